/** The options and report of an index update (src/index/build.ts), apart so the build process can name them. */

export interface IndexProgress {
  phase: 'scan' | 'embed' | 'write' | 'optimize' | 'text-index' | 'vector-index' | 'signals';
  done: number;
  total: number;
}

export interface UpdateIndexOptions {
  /** Rebuild from scratch even when an index exists. */
  full?: boolean;
  /** Model id; default: ct.yml `embedding.model`, else CT_EMBEDDING_MODEL, else the default. */
  model?: string;
  /** false: no adaptation of the embedding table to the store (an export); default: see wantsAdaptation. */
  adapt?: boolean;
  log?: (message: string) => void;
  onProgress?: (progress: IndexProgress) => void;
}

export interface IndexReport {
  full: boolean;
  reason: string | undefined;
  model: string;
  traces: number;
  /** Traces whose vectors were computed in this run. */
  embedded: number;
  /** Traces whose vectors were reused from the index by blob id (renames, --full). */
  reused: number;
  removed: number;
  skipped: { file: string; reason: string }[];
  ms: number;
  /** A full build that adapted the embedding table to the store: how (see src/embed/adapt.ts). */
  adaptation?: { pairs: number; steps: number; rows: number; loss: [number, number]; ms: number };
  /** Set when the build ran in a process of its own (a full build of a large store): its pid and peak memory. */
  process?: { pid: number; peak_rss_mb: number };
}
