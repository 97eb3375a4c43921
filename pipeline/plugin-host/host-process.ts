import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { KindPipeError } from '../../core/errors.js';
import { FramePipe } from '../../core/host/frame-pipe.js';
import { pluginHostMainMethods, pluginHostMethods, type PluginHostMainShape, type PluginHostShape } from '../../core/host/protocol.js';
import { proxyShape, serveShape } from '../../core/host/rpc.js';
import type { Logger } from '../../core/logger.js';
import { uncaughtExitCode } from './exit-code.js';

const tailLines = 20;
const connectDeadlineMs = 10_000;

/** How a host process ended: asked to stop, or a crash (with the code or signal that says how). */
export interface HostExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  requested: boolean;
}

/**
 * One forked plugin host process (Theia's HostedPluginProcess): its logs prefixed `[name: pid]`,
 * the last stderr lines kept for failure messages, a stop that asks, waits, then kills, and an
 * exit that tells a crash from a requested stop.
 */
export class PluginHostProcess {
  readonly exited: Promise<HostExit>;
  exit: HostExit | undefined;
  /** Set once `$activate` succeeded in this process. */
  activated = false;
  private stopping = false;
  private readonly tail: string[] = [];

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly connection: MessageConnection,
    readonly proxy: PluginHostShape,
    readonly frames: FramePipe,
    private readonly socketPath: string,
    log: Logger,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > tailLines) this.tail.shift();
        log.debug(`${this.label} ${line}`);
      });
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal, requested: this.stopping };
        this.connection.dispose();
        this.frames.close(new Error(`${this.label} ${this.describeExit()}`));
        rmSync(this.socketPath, { force: true });
        resolve(this.exit);
      });
    });
  }

  get label(): string {
    return `[${this.name}: ${this.child.pid}]`;
  }

  static async start(name: string, log: Logger): Promise<PluginHostProcess> {
    const socketPath = join(tmpdir(), `kind-pipe-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
    const child = fork(new URL('./host-main.js', import.meta.url), [socketPath], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
    let socket: Socket;
    try {
      socket = await new Promise<Socket>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`did not connect within ${connectDeadlineMs / 1000} s`)), connectDeadlineMs);
        server.once('connection', (s) => (clearTimeout(timer), resolve(s)));
        child.once('exit', (code, signal) => (clearTimeout(timer), reject(new Error(`exited (${signal ?? `code ${code}`}) before connecting`))));
        child.once('error', (error) => (clearTimeout(timer), reject(error)));
      });
    } catch (error) {
      child.kill('SIGKILL');
      throw new KindPipeError('plugin', `plugin '${name}': its host process ${error instanceof Error ? error.message : error}`, { origin: { plugin: name } });
    } finally {
      server.close();
    }
    socket.setNoDelay(true);
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const host = new PluginHostProcess(name, child, connection, proxyShape<PluginHostShape>(connection, pluginHostMethods), new FramePipe(socket), socketPath, log);
    const main: PluginHostMainShape = { $log: async (r) => log[r.level](`${host.label} ${r.message}`) };
    serveShape(connection, pluginHostMainMethods, main);
    connection.listen();
    return host;
  }

  /** The last lines the process wrote, for failure messages. */
  lastLines(): string[] {
    return [...this.tail];
  }

  describeExit(): string {
    const exit = this.exit;
    if (!exit) return 'is running';
    if (exit.requested) return 'stopped as asked';
    if (exit.signal === 'SIGKILL') return 'was killed by SIGKILL (out of memory, or killed from outside)';
    if (exit.signal) return `was killed by ${exit.signal}`;
    if (exit.code === uncaughtExitCode) return `died of an uncaught exception (exit code ${exit.code})`;
    return `exited with code ${exit.code}`;
  }

  /** Asks the plugin to deactivate (within the deadline), then ends the process; kills it if it lingers. */
  async stop(deadlineMs = 5000): Promise<void> {
    if (this.exit) return;
    this.stopping = true;
    const within = <T>(work: Promise<T>, ms: number) => Promise.race([work.catch(() => undefined), new Promise((r) => setTimeout(r, ms).unref())]);
    await within(this.proxy.$deactivate(), deadlineMs);
    if (!this.exit) this.child.disconnect?.();
    await within(this.exited, 1000);
    if (!this.exit) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Ends an unresponsive or crashed process at once. Not a requested stop: its exit stays a crash. */
  async kill(): Promise<void> {
    if (!this.exit) this.child.kill('SIGKILL');
    await this.exited;
  }
}
