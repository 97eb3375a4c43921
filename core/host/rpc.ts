import { ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import { KindPipeError } from '../errors.js';
import type { RemoteErrorData } from './protocol.js';

type Methods<T> = readonly (keyof T & string)[];

/**
 * Serves `impl`'s `$` methods on a connection. A method that throws answers with a JSON-RPC
 * error carrying the KindPipeError kind and origin, so the caller can rebuild the same error.
 */
export function serveShape<T extends object>(connection: MessageConnection, methods: Methods<T>, impl: T): void {
  for (const method of methods) {
    const handler = (impl[method] as (arg: unknown) => unknown).bind(impl);
    connection.onRequest(method, async (param: unknown) => {
      try {
        return (await handler(param)) ?? null;
      } catch (error) {
        const { message, ...data } = KindPipeError.toData(error);
        throw new ResponseError<RemoteErrorData>(1, message, data);
      }
    });
  }
}

/** A proxy whose `$` methods send requests on the connection; remote failures become KindPipeErrors. */
export function proxyShape<T extends object>(connection: MessageConnection, methods: Methods<T>): T {
  const proxy: Record<string, (arg: unknown) => Promise<unknown>> = {};
  for (const method of methods) {
    proxy[method] = async (param: unknown) => {
      try {
        const result = await connection.sendRequest(method, param);
        return result === null ? undefined : result;
      } catch (error) {
        if (error instanceof ResponseError) throw KindPipeError.fromData({ ...(error.data as RemoteErrorData | undefined), message: error.message });
        throw error;
      }
    };
  }
  return proxy as T;
}
