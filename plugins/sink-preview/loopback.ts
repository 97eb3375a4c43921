import { isIP } from 'node:net';

/**
 * Whether `host` names this machine's loopback interface only: `localhost`, 127.0.0.0/8, `::1`
 * (also as `::ffff:127.x.x.x`), or the name the server was told to bind (`bound`, when that is
 * itself loopback).
 */
export function isLoopback(host: string, bound?: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (bound !== undefined && name === bound.toLowerCase() && isLoopback(bound)) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || /^::ffff:127\./.test(name);
  return false;
}
