/** The exit code of a plugin host process that died of an uncaught exception. */
export const uncaughtExitCode = 70;
