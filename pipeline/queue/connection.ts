import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { KindPipeError } from '../../core/errors.js';

/** How the queue commands reach Redis: `--redis URL` (or KIND_PIPE_REDIS), `--redis-ca FILE` for TLS. */
export interface RedisTarget {
  url: string;
  /** A CA bundle that signed the server's certificate (rediss:// with a private CA). */
  ca?: string;
}

export function redisTarget(values: Record<string, string>, command: string): RedisTarget {
  const url = values['--redis'] ?? process.env.KIND_PIPE_REDIS;
  if (!url) throw new KindPipeError('usage', `kind-pipe ${command} needs --redis URL (or KIND_PIPE_REDIS), e.g. --redis redis://127.0.0.1:6379`);
  if (!/^rediss?:\/\//.test(url)) throw new KindPipeError('usage', `--redis ${url}: write a redis:// or rediss:// (TLS) URL, e.g. redis://:PASSWORD@10.0.0.5:6379/0`);
  return { url, ca: values['--redis-ca'] };
}

/**
 * One ioredis connection. `maxRetriesPerRequest: null` is what BullMQ workers need: a command
 * waits through a Redis restart instead of failing after 20 tries; `quiet` callers (status,
 * cancel, submit) fail fast instead.
 */
export function connectRedis(target: RedisTarget, mode: 'wait' | 'quiet'): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: mode === 'wait' ? null : 2, lazyConnect: false };
  if (target.ca) {
    let ca: Buffer;
    try {
      ca = readFileSync(target.ca);
    } catch (error) {
      throw new KindPipeError('input', `--redis-ca ${target.ca}: cannot read it (${(error as NodeJS.ErrnoException).code}). Fix: the PEM file of the CA that signed the Redis server's certificate`);
    }
    options.tls = { ca };
  }
  const redis = new Redis(target.url, options);
  redis.on('error', () => undefined); // an outage surfaces through the commands (or their wait), not as an unhandled event
  return redis;
}

/** Fails with what to check when Redis does not answer within `seconds`. */
export async function ensureReachable(redis: Redis, target: RedisTarget, seconds = 5): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${seconds} s`)), seconds * 1000);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } catch (error) {
    redis.disconnect();
    throw new KindPipeError('input', `cannot reach Redis at ${redacted(target.url)}: ${(error as Error).message}. Fix: start redis-server there, or check the URL, password and TLS (docs/scale-out.md)`);
  } finally {
    clearTimeout(timer);
  }
}

/** The URL without its password, for messages and logs. */
export function redacted(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
