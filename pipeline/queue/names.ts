/**
 * Where kind-pipe's work lives in Redis: three BullMQ queues under one key prefix. A file job
 * (the parent) waits for its segment jobs (the children) and then joins their outputs; a camera
 * job runs one live pipeline for as long as it is not cancelled. Nothing but job descriptions,
 * progress counters and results is stored: never frames (docs/scale-out.md).
 */
export const queuePrefix = 'kind-pipe';
export const fileQueue = 'file';
export const segmentQueue = 'segment';
export const cameraQueue = 'camera';

/** The Redis key that `kind-pipe cancel JOB` sets and workers poll (outside BullMQ's own keys). */
export function cancelKey(jobId: string): string {
  return `${queuePrefix}:cancelled:${jobId}`;
}

/** A segment's job id: the file job's id and the segment's number, so status can find every child. */
export function segmentJobId(fileJobId: string, index: number): string {
  return `${fileJobId}-s${String(index).padStart(4, '0')}`;
}
