import { expect } from 'chai';
import {
  accelArgs,
  bootArgs,
  chooseCpuModel,
  COMMON_TCG_CPU_MODEL,
  cpuArgs,
  debugExitArgs,
  escapeOptionValue,
  fwCfgStringArgs,
  machineArgs,
  qemuArgv,
  qmpArgs,
  serialArgs,
} from '../../harness/qemu/argv.js';
import type { Accel } from '../../harness/units.js';

describe('QEMU argv builders', () => {
  const accelCases: [Accel, string[]][] = [
    ['kvm', ['-accel', 'kvm']],
    ['tcg', ['-accel', 'tcg,thread=multi']],
    ['tcg-icount', ['-accel', 'tcg', '-icount', 'shift=0,sleep=off', '-seed', '1', '-rtc', 'base=2000-01-01T00:00:00,clock=vm']],
  ];
  for (const [accel, expected] of accelCases) {
    it(`accelArgs(${accel})`, () => expect(accelArgs(accel)).to.deep.equal(expected));
  }

  const cpuCases: [Accel, string | undefined, string[]][] = [
    ['kvm', undefined, ['-cpu', 'host']],
    ['tcg', undefined, ['-cpu', COMMON_TCG_CPU_MODEL]],
    ['tcg-icount', undefined, ['-cpu', COMMON_TCG_CPU_MODEL]],
    ['tcg', 'Nehalem,-vme', ['-cpu', 'Nehalem,-vme']],
  ];
  for (const [accel, model, expected] of cpuCases) {
    it(`cpuArgs(${accel}, ${model})`, () => expect(cpuArgs(accel, model)).to.deep.equal(expected));
  }

  describe('chooseCpuModel', () => {
    it("gives every guest the run's model, by default the common one under TCG and the host's under KVM", () => {
      expect(chooseCpuModel('tcg-icount', undefined, undefined)).to.deep.equal({ model: COMMON_TCG_CPU_MODEL });
      expect(chooseCpuModel('kvm', undefined, undefined)).to.deep.equal({ model: 'host' });
      expect(chooseCpuModel('tcg', 'Skylake-Client', undefined)).to.deep.equal({ model: 'Skylake-Client' });
    });
    it("flags a guest whose own model differs from the run's, and not one that names the same", () => {
      expect(chooseCpuModel('tcg', undefined, 'max')).to.deep.equal({ model: 'max', override: { runModel: COMMON_TCG_CPU_MODEL } });
      expect(chooseCpuModel('tcg', 'max', 'max')).to.deep.equal({ model: 'max' });
    });
  });

  const escapeCases: [string, string][] = [
    ['/tmp/a', '/tmp/a'],
    ['/tmp/a,b', '/tmp/a,,b'],
    ['a,,b', 'a,,,,b'],
  ];
  for (const [input, expected] of escapeCases) {
    it(`escapeOptionValue(${input})`, () => expect(escapeOptionValue(input)).to.equal(expected));
  }

  it('machineArgs sets vCPUs and memory', () => expect(machineArgs(2, 512)).to.deep.equal(['-smp', '2', '-m', '512']));

  it('serialArgs puts the console on the first port and data on the second, commas escaped', () => {
    expect(serialArgs('/r/console.log', '/r,x/data.bin')).to.deep.equal([
      '-chardev',
      'file,id=console,path=/r/console.log',
      '-serial',
      'chardev:console',
      '-chardev',
      'file,id=data,path=/r,,x/data.bin',
      '-serial',
      'chardev:data',
    ]);
  });

  it('qmpArgs serves QMP on a unix socket without waiting for a client', () => {
    expect(qmpArgs('/tmp/q.sock')).to.deep.equal(['-qmp', 'unix:/tmp/q.sock,server=on,wait=off']);
  });

  const bootCases: [string | undefined, string | undefined, string[]][] = [
    [undefined, undefined, ['-kernel', 'k']],
    ['i', undefined, ['-kernel', 'k', '-initrd', 'i']],
    ['i', 'console=ttyS0', ['-kernel', 'k', '-initrd', 'i', '-append', 'console=ttyS0']],
  ];
  for (const [initrd, append, expected] of bootCases) {
    it(`bootArgs(k, ${initrd}, ${append})`, () => expect(bootArgs('k', initrd, append)).to.deep.equal(expected));
  }

  it('fwCfgStringArgs escapes the commas of a benchmark list', () => {
    expect(fwCfgStringArgs('opt/hb/cmdline', 'hb.bench=a.*,b')).to.deep.equal(['-fw_cfg', 'name=opt/hb/cmdline,string=hb.bench=a.*,,b']);
  });

  it('debugExitArgs places isa-debug-exit at the given port', () => {
    expect(debugExitArgs()).to.deep.equal(['-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']);
    expect(debugExitArgs(0x501)).to.deep.equal(['-device', 'isa-debug-exit,iobase=0x501,iosize=0x04']);
  });

  it('qemuArgv composes the parts in order and starts paused when asked', () => {
    const argv = qemuArgv({
      binary: 'qemu-system-x86_64',
      accel: 'tcg-icount',
      vcpus: 1,
      memoryMiB: 256,
      kernel: 'vmlinuz',
      initrd: 'initramfs.cpio',
      append: 'console=ttyS0',
      consoleLog: 'c.log',
      dataFile: 'd.bin',
      qmpSocket: 'q.sock',
      startPaused: true,
      extraArgs: ['-device', 'x'],
    });
    expect(argv).to.deep.equal([
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-no-reboot',
      '-accel',
      'tcg',
      '-icount',
      'shift=0,sleep=off',
      '-seed',
      '1',
      '-rtc',
      'base=2000-01-01T00:00:00,clock=vm',
      '-cpu',
      COMMON_TCG_CPU_MODEL,
      '-smp',
      '1',
      '-m',
      '256',
      '-chardev',
      'file,id=console,path=c.log',
      '-serial',
      'chardev:console',
      '-chardev',
      'file,id=data,path=d.bin',
      '-serial',
      'chardev:data',
      '-qmp',
      'unix:q.sock,server=on,wait=off',
      '-kernel',
      'vmlinuz',
      '-initrd',
      'initramfs.cpio',
      '-append',
      'console=ttyS0',
      '-device',
      'x',
      '-S',
    ]);
  });
});
