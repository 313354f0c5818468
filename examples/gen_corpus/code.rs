//! Plausible code in the corpus's languages, named after the article's topic.

use std::fmt::Write as _;

use super::Rng;

/// About `lines` lines of plausible `lang` code (one of `LANGUAGES`) using `words` as names.
pub fn code_lines(rng: &mut Rng, words: &[&str], lang: &str, lines: usize, out: &mut String) {
    let name = |rng: &mut Rng| format!("{}_{}", rng.pick(words), rng.pick(words));
    let body = lines.saturating_sub(4).max(2);
    match lang {
        "rust" => {
            let (f, arg) = (name(rng), name(rng));
            let _ = writeln!(
                out,
                "pub fn {f}({arg}: &[Record], limit: usize) -> Result<u64, Error> {{\n    let mut total = 0u64;"
            );
            for n in 0..body {
                let v = name(rng);
                let _ = match rng.below(4) {
                    0 => writeln!(
                        out,
                        "    let {v} = {arg}.iter().filter(|r| r.size > {n}).count() as u64;"
                    ),
                    1 => writeln!(
                        out,
                        "    if total > limit as u64 * {} {{ return Err(Error::Limit(total)); }}",
                        n + 1
                    ),
                    2 => writeln!(out, "    total += {arg}.get({n}).map_or(0, |r| r.size);"),
                    _ => writeln!(out, "    tracing::debug!(step = {n}, \"{v}\");"),
                };
            }
            out.push_str("    Ok(total)\n}\n");
        }
        "python" => {
            let (f, arg) = (name(rng), name(rng));
            let _ = writeln!(out, "def {f}({arg}, limit=100):\n    total = 0");
            for n in 0..body {
                let v = name(rng);
                let _ = match rng.below(4) {
                    0 => writeln!(out, "    {v} = [r for r in {arg} if r.size > {n}]"),
                    1 => writeln!(
                        out,
                        "    if total > limit * {}:\n        raise ValueError(\"{v}\")",
                        n + 1
                    ),
                    2 => writeln!(out, "    total += sum(r.size for r in {arg}[{n}:])"),
                    _ => writeln!(out, "    log.debug(\"%s step %d\", \"{v}\", {n})"),
                };
            }
            out.push_str("    return total\n");
        }
        "javascript" => {
            let (f, arg) = (name(rng), name(rng));
            let _ = writeln!(
                out,
                "export async function {f}({arg}, limit = 100) {{\n  let total = 0;"
            );
            for n in 0..body {
                let v = name(rng);
                let _ = match rng.below(4) {
                    0 => writeln!(out, "  const {v} = {arg}.filter((r) => r.size > {n});"),
                    1 => writeln!(
                        out,
                        "  if (total > limit * {}) throw new Error(\"{v}\");",
                        n + 1
                    ),
                    2 => writeln!(out, "  total += (await fetch(`/api/{v}/${{{n}}}`)).status;"),
                    _ => writeln!(out, "  console.debug(\"{v}\", {{ step: {n}, total }});"),
                };
            }
            out.push_str("  return total;\n}\n");
        }
        "sql" => {
            let table = name(rng);
            let _ = writeln!(out, "CREATE TABLE {table} (\n  id bigserial PRIMARY KEY,");
            for _ in 0..body.saturating_sub(6).max(1) {
                let col = name(rng);
                let ty = [
                    "text NOT NULL",
                    "bigint",
                    "timestamptz DEFAULT now()",
                    "jsonb",
                ][rng.below(4)];
                let _ = writeln!(out, "  {col} {ty},");
            }
            let col = name(rng);
            let _ = writeln!(
                out,
                "  created_at timestamptz NOT NULL\n);\nCREATE INDEX ON {table} (created_at);\nSELECT {col}, count(*) AS n\nFROM {table}\nWHERE created_at > now() - interval '{} days'\nGROUP BY {col} ORDER BY n DESC LIMIT 20;",
                rng.range(1, 90)
            );
        }
        "yaml" => {
            let _ = writeln!(out, "service: {}\nsettings:", name(rng));
            for n in 0..body {
                let key = name(rng);
                let _ = match rng.below(4) {
                    0 => writeln!(out, "  {key}: {}", rng.range(1, 5000)),
                    1 => writeln!(out, "  {key}: \"{}\"", rng.pick(words)),
                    2 => writeln!(out, "  {key}:\n    enabled: {}", n % 2 == 0),
                    _ => writeln!(out, "  # {} {}", rng.pick(words), rng.pick(words)),
                };
            }
            let _ = writeln!(
                out,
                "limits:\n  cpu: {}m\n  memory: {}Mi",
                rng.range(1, 8) * 250,
                rng.range(1, 16) * 128
            );
        }
        _ => {
            let dir = name(rng);
            let _ = writeln!(
                out,
                "#!/usr/bin/env bash\nset -euo pipefail\nDIR=\"${{1:-/var/lib/{dir}}}\""
            );
            for n in 0..body.saturating_sub(1) {
                let v = name(rng);
                let _ = match rng.below(4) {
                    0 => writeln!(out, "{}=\"$(wc -l < \"$DIR/{v}.log\")\"", v.to_uppercase()),
                    1 => writeln!(out, "echo \"step {n}: {v}\" >&2"),
                    2 => writeln!(
                        out,
                        "[ -f \"$DIR/{v}\" ] && cp \"$DIR/{v}\" \"$DIR/{v}.bak\""
                    ),
                    _ => writeln!(out, "grep -c \"{v}\" \"$DIR\"/*.log || true"),
                };
            }
            out.push_str("echo done\n");
        }
    }
}
