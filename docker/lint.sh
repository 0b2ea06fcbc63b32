#!/usr/bin/env bash
# Static checks of the container files, for machines without a container engine (no hadolint either: it is not a
# Debian package, and its binaries come from GitHub):
#   1. dockerfilelint (npm) on docker/Dockerfile, Dockerfile.cuda and Dockerfile.k8s;
#   2. every COPY source of the Dockerfiles (other than --from stages) exists in the repository;
#   3. docker/compose.yaml parses (js-yaml), every service's build context and Dockerfile exist, its entrypoint
#      scripts exist in the image layout (/opt/cryosphere/... = the repository), volumes are declared, and no single
#      `$` is left for compose to interpolate;
#   4. the job's inline script (with $$ unescaped) passes `bash -n` and shellcheck.
# Needs node + npm (dockerfilelint and js-yaml are installed into $DOCKER_LINT_DIR, default ~/.cache/cryosphere-lint).
#   docker/lint.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${DOCKER_LINT_DIR:-$HOME/.cache/cryosphere-lint}"
fail=0

if [[ ! -x "$tools/node_modules/.bin/dockerfilelint" ]]; then
  mkdir -p "$tools"
  (cd "$tools" && npm install --silent --no-audit --no-fund dockerfilelint@1.8.0 js-yaml@4 >/dev/null)
fi

echo "== dockerfilelint"
for f in "$root"/docker/Dockerfile*; do
  # FROM ${ARG}: lint with the ARG's default in place (dockerfilelint does not expand build arguments)
  expanded="$(mktemp)"
  awk 'match($0, /^ARG [A-Za-z_]+=/) { split(substr($0, 5), kv, "="); def[kv[1]] = kv[2] }
       /^FROM / { for (k in def) gsub("\\$\\{" k "\\}", def[k]) } { print }' "$f" > "$expanded"
  out="$("$tools/node_modules/.bin/dockerfilelint" "$expanded" 2>&1)" || { echo "${f#"$root"/}:"; echo "$out"; fail=1; rm -f "$expanded"; continue; }
  rm -f "$expanded"
  echo "${f#"$root"/}: $(grep -o 'Issues: .*' <<<"$out")"
done

echo "== COPY sources"
for f in "$root"/docker/Dockerfile*; do
  while read -r -a words; do
    [[ "${words[0]:-}" == COPY ]] || continue
    [[ "${words[1]}" == --from=* ]] && continue
    n=${#words[@]}
    for src in "${words[@]:1:n-2}"; do
      [[ -e "$root/$src" ]] || { echo "${f#"$root"/}: COPY source $src does not exist"; fail=1; }
    done
  done < "$f"
  echo "${f#"$root"/}: ok"
done

echo "== compose.yaml"
job_script="$(mktemp)"
trap 'rm -f "$job_script"' EXIT
NODE_PATH="$tools/node_modules" node - "$root" "$job_script" <<'JS' || fail=1
const fs = require('fs'), path = require('path'), yaml = require('js-yaml');
const [root, jobScript] = process.argv.slice(2);
const file = path.join(root, 'docker/compose.yaml');
const text = fs.readFileSync(file, 'utf8');
const doc = yaml.load(text);
const problems = [];
const services = doc.services || {};
if (Object.keys(services).length < 4) problems.push('expected a master, 2 workers and a job');
for (const [name, s] of Object.entries(services)) {
  if (s.build) {
    const ctx = path.resolve(path.dirname(file), s.build.context || '.');
    if (!fs.existsSync(ctx)) problems.push(`${name}: build context ${ctx} missing`);
    if (!fs.existsSync(path.join(ctx, s.build.dockerfile || 'Dockerfile'))) problems.push(`${name}: Dockerfile missing`);
  }
  if (!s.image && !s.build) problems.push(`${name}: neither image nor build`);
  for (const e of [].concat(s.entrypoint || [])) {
    if (e.startsWith('/opt/cryosphere/') && !fs.existsSync(path.join(root, e.slice('/opt/cryosphere/'.length))))
      problems.push(`${name}: entrypoint ${e} is not in the repository`);
  }
  for (const v of s.volumes || []) {
    const src = String(v).split(':')[0];
    if (!src.startsWith('.') && !src.startsWith('/') && !(doc.volumes && src in doc.volumes))
      problems.push(`${name}: volume ${src} not declared`);
  }
  for (const d of Object.keys(s.depends_on || {}).concat(Array.isArray(s.depends_on) ? s.depends_on : []))
    if (isNaN(Number(d)) && !services[d]) problems.push(`${name}: depends on unknown service ${d}`);
}
// compose interpolates $VAR and ${VAR}; a literal $ must be written $$
const single = text.split('\n').map((l, i) => [i + 1, l]).filter(([, l]) => !l.trim().startsWith('#') && /(^|[^$])\$([^$]|$)/.test(l.replace(/\$\$/g, '')));
for (const [n, l] of single) problems.push(`line ${n}: single $ (compose would interpolate it): ${l.trim()}`);
const job = services.job;
if (!job) problems.push('no job service');
else fs.writeFileSync(jobScript, '#!/usr/bin/env bash\nset -euo pipefail  # the entrypoint: bash -euo pipefail -c\n' + [].concat(job.command).join('\n').replace(/\$\$/g, '$'));
if (problems.length) { console.log(problems.join('\n')); process.exit(1); }
console.log(`docker/compose.yaml: ${Object.keys(services).length} services, ok`);
JS

echo "== the job's script"
if [[ -s "$job_script" ]]; then
  bash -n "$job_script" && shellcheck -s bash "$job_script" && echo "job script: bash -n and shellcheck clean" || fail=1
fi
if [[ $fail != 0 ]]; then echo "docker lint: problems above" >&2; exit 1; fi
echo "docker lint: clean"
