/** Where plugins and the engine say things. The CLI decides whether it is text or JSON lines. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };

export function prefixedLogger(base: Logger, prefix: string): Logger {
  return {
    info: (m, f) => base.info(`[${prefix}] ${m}`, f),
    warn: (m, f) => base.warn(`[${prefix}] ${m}`, f),
    debug: (m, f) => base.debug(`[${prefix}] ${m}`, f),
  };
}
