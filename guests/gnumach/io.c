#include "io.h"
#include "rpc.h"

hb_kern_return_t hb_io_grant(hb_port_t device_master, uint16_t first, uint16_t last)
{
	hb_port_t perm;
	hb_kern_return_t kr = hb_io_perm_create(device_master, first, last, &perm);

	if (kr != HB_KERN_SUCCESS)
		return kr;
	/* The permission port is kept: dropping it would not withdraw the access, only the means to. */
	return hb_io_perm_modify(hb_mach_task_self(), perm, 1);
}
