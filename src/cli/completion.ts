/**
 * `strata completion bash|zsh|fish`: completion scripts generated from the option table
 * (src/cli/table.ts). They complete commands, options, option values, the SOURCE prefixes with
 * paths after the file ones, and local image names, which the script asks the CLI itself for
 * (`strata __complete images`, bounded in time, silent when no Engine answers).
 */
import { bashScript } from './completion-bash.js';
import { fishScript } from './completion-fish.js';
import { zshScript } from './completion-zsh.js';
import type { SHELLS } from './table.js';

export type Shell = (typeof SHELLS)[number];

export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return bashScript();
    case 'zsh':
      return zshScript();
    case 'fish':
      return fishScript();
  }
}
