// Configuration problems, each with the path it was found at; reported together before anything starts.

export interface ConfigIssue {
  /** Dotted YAML path, e.g. `processors.correlator.window_ms`. '' for the file as a whole. */
  path: string;
  message: string;
}

/** Every problem in a configuration, reported together before anything starts. */
export class ConfigError extends Error {
  readonly code = 'FL_CONFIG_INVALID';
  constructor(
    readonly issues: ConfigIssue[],
    readonly source = 'agent.yaml',
  ) {
    super(`${source}: ${issues.length} configuration problem${issues.length === 1 ? '' : 's'}:\n` + formatIssues(issues));
    this.name = 'ConfigError';
  }
}

export function formatIssues(issues: ConfigIssue[]): string {
  return issues.map((i) => `  ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n');
}
