export * from './constants.js';
export { WireDecoder, type WireRecord } from './decoder.js';
export { WireError } from './errors.js';
export { StreamAssembler, type GuestStream, type PeerRun, type RawBenchmark, type SkippedBenchmark, type StreamEvent } from './stream.js';
