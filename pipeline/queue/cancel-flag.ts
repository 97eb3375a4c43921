import type { Redis } from 'ioredis';
import { cancelKey } from './names.js';

/** How long a cancel mark outlives its job's last segment. */
const keepSeconds = 7 * 24 * 3600;

export async function markCancelled(redis: Redis, fileJobId: string, why: string): Promise<void> {
  await redis.set(cancelKey(fileJobId), why, 'EX', keepSeconds);
}

/** Why the job was stopped (`kind-pipe cancel`, or a failed segment), or undefined. */
export async function cancelReason(redis: Redis, fileJobId: string): Promise<string | undefined> {
  return (await redis.get(cancelKey(fileJobId))) ?? undefined;
}
