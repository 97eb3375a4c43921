/**
 * Entry of an isolated plugin host process (forked by PluginHostProcess): JSON-RPC on the fork
 * IPC channel, frame bytes on the Unix socket named in argv[2]. An uncaught error ends the process
 * with code 70 after printing its stack to stderr, which the parent quotes when it reports the crash.
 */
import { connect } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { FramePipe } from '../../core/host/frame-pipe.js';
import { PluginHost } from '../../core/host/plugin-host.js';
import { pluginHostMainMethods, pluginHostMethods, type PluginHostMainShape } from '../../core/host/protocol.js';
import { proxyShape, serveShape } from '../../core/host/rpc.js';
import { uncaughtExitCode } from './exit-code.js';


console.log = console.error;
const die = (what: string) => (error: unknown) => {
  process.stderr.write(`${what}: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(uncaughtExitCode);
};
process.on('uncaughtException', die('uncaught exception'));
process.on('unhandledRejection', die('unhandled rejection'));
process.on('disconnect', () => process.exit(0));

const socket = connect(process.argv[2]);
socket.setNoDelay(true);
const frames = new FramePipe(socket);
const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
const main = proxyShape<PluginHostMainShape>(connection, pluginHostMainMethods);
const host = new PluginHost(frames, main, (entry) => import(pathToFileURL(entry).href));
serveShape(connection, pluginHostMethods, host);
connection.listen();
