/** Prints the README's key table, generated from the one keymap (src/ui/keymap.ts). */
import { keymapMarkdown } from '../src/ui/keymap.js';

process.stdout.write(keymapMarkdown());
