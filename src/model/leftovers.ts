/**
 * Leftover advice (docs/semantics.md, "Advice"): package-manager caches, docs and VCS data in the
 * final filesystem, found by the catalogue below.
 */
import type { AdviceItemBase } from './advice-item.js';
import type { Analysis } from './analysis.js';

/**
 * The leftover catalogue. A pattern is a path prefix: anchored ("/var/cache/apt") from the root, or
 * floating (".cache/pip") at any depth; it names a directory, and everything below it is a leftover.
 * The first pattern that matches a directory decides its category. Add rows here; nothing else
 * needs to change.
 */
export interface LeftoverRule {
  category: string;
  what: string;
  patterns: string[];
  fix: string;
}

export const LEFTOVERS: readonly LeftoverRule[] = [
  {
    category: 'apt',
    what: 'apt caches and package lists',
    patterns: ['/var/cache/apt', '/var/lib/apt/lists'],
    fix: '`apt-get clean && rm -rf /var/lib/apt/lists/*` in the same RUN as the install',
  },
  {
    category: 'apk',
    what: 'apk cache',
    patterns: ['/var/cache/apk'],
    fix: '`apk add --no-cache`, or `rm -rf /var/cache/apk/*` in the same RUN',
  },
  {
    category: 'dnf',
    what: 'dnf cache',
    patterns: ['/var/cache/dnf'],
    fix: '`dnf clean all` in the same RUN as the install',
  },
  {
    category: 'yum',
    what: 'yum cache',
    patterns: ['/var/cache/yum'],
    fix: '`yum clean all && rm -rf /var/cache/yum` in the same RUN as the install',
  },
  {
    category: 'pip',
    what: 'pip cache',
    patterns: ['.cache/pip'],
    fix: '`pip install --no-cache-dir` (or `PIP_NO_CACHE_DIR=1`)',
  },
  {
    category: 'npm',
    what: 'npm cache',
    patterns: ['.npm/_cacache'],
    fix: '`npm cache clean --force` in the same RUN, or a cache mount (`RUN --mount=type=cache`)',
  },
  {
    category: 'yarn',
    what: 'yarn cache',
    patterns: ['.cache/yarn', '/usr/local/share/.cache/yarn'],
    fix: '`yarn cache clean` in the same RUN, or a cache mount (`RUN --mount=type=cache`)',
  },
  {
    category: 'go',
    what: 'Go build and module caches',
    patterns: ['.cache/go-build', '/go/pkg/mod/cache'],
    fix: '`go clean -cache -modcache` in the same RUN, a cache mount, or build in a separate stage',
  },
  {
    category: 'docs',
    what: 'documentation',
    patterns: ['/usr/share/doc', '/usr/share/man', '/usr/share/info'],
    fix: 'keep docs out at install time (dpkg `path-exclude`, `dnf --nodocs`), or remove them in the same RUN',
  },
  {
    category: 'vcs',
    what: 'version-control data',
    patterns: ['.git'],
    fix: 'add `.git` to `.dockerignore`, or clone with `--depth 1` and remove `.git` in the same RUN',
  },
];

export interface LeftoverItem extends AdviceItemBase {
  kind: 'leftover';
  category: string;
  files: number;
  layers: number[];
}

interface Rule {
  cat: number;
  segs: string[];
  anchored: boolean;
}

const RULES: Rule[] = LEFTOVERS.flatMap((r, cat) =>
  r.patterns.map((p) => ({ cat, segs: p.split('/').filter((s) => s !== ''), anchored: p.startsWith('/') })),
);
const RULES_BY_LAST = new Map<string, Rule[]>();
for (const r of RULES) {
  const last = r.segs[r.segs.length - 1];
  const list = RULES_BY_LAST.get(last) ?? [];
  list.push(r);
  RULES_BY_LAST.set(last, list);
}

/** The catalogue category of directory `p` (its index in LEFTOVERS), or -1. */
export function matchRule(a: Analysis, p: number): number {
  const rules = RULES_BY_LAST.get(a.table.name(p));
  if (!rules) return -1;
  const t = a.table;
  for (const r of rules) {
    if (r.anchored && t.depth(p) !== r.segs.length) continue;
    let cur = p;
    let ok = true;
    for (let i = r.segs.length - 1; i >= 0; i--) {
      if (cur <= 0 || t.name(cur) !== r.segs[i]) {
        ok = false;
        break;
      }
      cur = t.parent(cur);
    }
    if (ok) return r.cat;
  }
  return -1;
}

/** The README's table of the leftover catalogue (Markdown), kept in sync by a test. */
export function leftoverMarkdown(): string {
  const lines = ['| Category | Paths (everything below them) | Fix |', '|---|---|---|'];
  for (const r of LEFTOVERS) {
    const pats = r.patterns.map((p) => `\`${p.startsWith('/') ? p : `…/${p}`}/\``).join(', ');
    lines.push(`| \`${r.category}\` | ${pats} | ${r.fix.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}
