/** What every bench step needs: where things go, how to log, and where to record seconds. */
export interface BenchContext {
  /** .bench/quality/: pairs and outputs, git-ignored. */
  cache: string;
  /** bench/quality/: results and contact sheets. */
  benchDir: string;
  log(message: string): void;
  /** Runs `work`, recording its wall seconds under `stage`. */
  timed<T>(stage: string, work: () => Promise<T>): Promise<T>;
}
