import type { PluginManifest } from '../../core/host/manifest.js';

/** A plugin package found on disk, its manifest validated; nothing of it has run yet. */
export interface DiscoveredPlugin {
  manifest: PluginManifest;
  folder: string;
  /** Absolute path of its main ES module. */
  entry: string;
  /** Named by the pipeline's `plugins:` list, or found among installed packages. */
  origin: 'pipeline' | 'installed';
}
