/**
 * The option table (src/cli/table.ts) and the argument parser agree: every option of the table is
 * parsed, with a value exactly when the table says so, and every option the parser knows is in the
 * table (so --help, the man page and the completions list all of them).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseArgs, USAGE } from '../../../src/cli/args.js';
import { OPTION_SPECS } from '../../../src/cli/table.js';
import { RULE_NAMES } from '../../../src/report/ci.js';
import { ROOT } from '../../support/paths.js';

test('every option of the table is parsed, with a value exactly when the table gives one', () => {
  for (const o of OPTION_SPECS) {
    for (const flag of o.flags) {
      if (o.value && !o.optionalValue) {
        assert.throws(() => parseArgs(['img', flag]), /needs a value/, `${flag} needs ${o.value}`);
        const extra = flag === '--layer' || flag === '-o' || flag === '--output' ? ['--extract', '/x'] : [];
        const v = o.value === 'N' ? '1' : 'x';
        assert.doesNotThrow(() => parseArgs(['img', flag, v, ...extra]), `${flag} ${v}`);
      } else {
        assert.doesNotThrow(() => parseArgs(['img', flag, ...(flag === '--files' ? ['--json'] : [])]), flag);
      }
    }
  }
});

test('every option the parser knows is in the table, and in --help', () => {
  const src = fs.readFileSync(path.join(ROOT, 'src', 'cli', 'args.ts'), 'utf8');
  const parsed = [...src.matchAll(/case '(--?[a-z][a-z-]*)':/g)].map((m) => m[1]);
  assert.ok(parsed.length > 10, 'the parser’s options were found');
  const table = new Set(OPTION_SPECS.flatMap((o) => o.flags));
  for (const f of [...parsed, ...RULE_NAMES.map((r) => `--${r}`)]) {
    assert.ok(table.has(f), `${f} is in the option table`);
    assert.ok(USAGE.includes(f), `${f} is in --help`);
  }
});
