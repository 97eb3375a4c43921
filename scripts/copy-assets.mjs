// Nothing to copy yet: model files and manifests are read from the source tree (see models/paths.ts).
