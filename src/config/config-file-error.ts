import { ConfigError } from '../errors.js';

/** A ConfigError that also names the file it came from (every problem path is relative to that file). */
export class ConfigFileError extends ConfigError {
  constructor(
    readonly file: string,
    problems: string[],
  ) {
    super(problems);
    this.message = `invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
  }
}
