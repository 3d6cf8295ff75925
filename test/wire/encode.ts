// Test-side encoder, written from guests/common/wire.h's layout description.
import { RecordType, type RecordTypeName, WIRE_MAGIC, WIRE_VERSION } from '../../harness/wire/constants.js';
import { crc32 } from '../../harness/wire/crc32.js';

export function encodeRecord(type: RecordTypeName, seq: number, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt32LE(WIRE_MAGIC, 0);
  header.writeUInt16LE(WIRE_VERSION, 4);
  header.writeUInt16LE(RecordType[type], 6);
  header.writeUInt32LE(seq, 8);
  header.writeUInt32LE(payload.length, 12);
  header.writeUInt32LE(crc32(payload, crc32(header.subarray(0, 16))), 16);
  return Buffer.concat([header, payload]);
}

export function fields(entries: Record<string, string | number>): Buffer {
  return Buffer.from(
    Object.entries(entries)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    'latin1',
  );
}

export function samples(first: number, values: number[]): Buffer {
  const bytes: number[] = [];
  for (let value of values) {
    do {
      const low = value % 128;
      value = Math.floor(value / 128);
      bytes.push(value > 0 ? low | 0x80 : low);
    } while (value > 0);
  }
  const head = Buffer.alloc(4);
  head.writeUInt32LE(first, 0);
  return Buffer.concat([head, Buffer.from(bytes)]);
}

/** A well-formed stream with one benchmark, one skip, as a guest would send it. */
export function sampleStream(values = [100, 200, 300, 40_000, 5]): Buffer {
  const records: [RecordTypeName, Buffer][] = [
    ['STREAM_BEGIN', fields({ payload: 'hb-test 1', guest_os: 'linux', kernel: '6.1', cpus_online: 1, timer: 'rdtscp+lfence', tsc_hz: 0 })],
    [
      'BENCH_BEGIN',
      fields({
        metric: 'syscall.null',
        mechanism: 'getppid',
        unit: 'tsc-ticks',
        iterations: values.length,
        warmup: 10,
        ops_per_sample: 1,
        vcpus: '0',
        affinity: '0',
        timer_overhead: 20,
      }),
    ],
    ['SAMPLES', samples(0, values.slice(0, 2))],
    // The rest in records of at most 16384 samples, within the 64 KiB payload at up to 3 bytes each.
    ...Array.from({ length: Math.max(1, Math.ceil((values.length - 2) / 16_384)) }, (_, i): [RecordTypeName, Buffer] => [
      'SAMPLES',
      samples(2 + i * 16_384, values.slice(2 + i * 16_384, 2 + (i + 1) * 16_384)),
    ]),
    ['BENCH_END', fields({ metric: 'syscall.null', samples: values.length, timer_overhead_after: 20 })],
    ['SKIP', fields({ metric: 'ipc.roundtrip.pipe.thread.cross', reason: 'needs 2 vCPUs, guest has 1 online' })],
    ['STREAM_END', fields({ benchmarks: 2 })],
  ];
  return Buffer.concat(records.map(([type, payload], seq) => encodeRecord(type, seq, payload)));
}
