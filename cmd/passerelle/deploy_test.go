package main

// The deployment files under deploy/ checked against the binary itself:
// every PASSERELLE_… name they mention is a setting; every gateway and
// worker they define has the settings production requires; every value
// they set passes loadConfig, as the process started from them would run
// it; secrets are never committed, and a placeholder left in stops
// start-up. No Docker engine or cluster is needed: the files are read the
// way compose, kustomize and Kubernetes read them, for the parts that
// matter here.

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// deployDir is deploy/ seen from this package's directory.
const deployDir = "../../deploy"

// deployPlaceholder marks a value the operator must fill in. It is chosen
// to fail every setting's validation, so that a forgotten one stops
// start-up instead of running with a public value.
const deployPlaceholder = "<CHANGE-ME>"

// deploySecretSamples stand for what operators fill in, one valid value per
// secret setting. A new secret setting needs one here, and a line in
// deploy/k8s/secret.example.yaml (TestDeploySecrets).
var deploySecretSamples = map[string]string{
	"PASSERELLE_REDIS_URL":               "redis://:sample-password@redis.invalid:6379/0",
	"PASSERELLE_SECRET":                  "sample-secret-0123456789abcdef",
	"PASSERELLE_ADMIN_TOKEN":             "sample-admin-0123456789abcdef",
	"PASSERELLE_USSD_TOKEN":              "sample-ussd-0123456789abcdef",
	"PASSERELLE_AT_API_KEY":              "sample-at-api-key-0123456789",
	"PASSERELLE_AT_SMS_TOKEN":            "sample-at-sms-0123456789abcdef",
	"PASSERELLE_TWILIO_AUTH_TOKEN":       "0123456789abcdef0123456789abcdef",
	"PASSERELLE_STAFF_TOKENS":            "amina=sample-staff-0123456789ab,jean=sample-staff-ba9876543210",
	"PASSERELLE_ENCRYPTION_KEYS":         "k1:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
	"PASSERELLE_REDIS_SENTINEL_PASSWORD": "sample-sentinel-0123456789",
	"PASSERELLE_HUBTEL_TOKEN":            "sample-hubtel-0123456789abcdef",
	"PASSERELLE_GENERIC_USSD_TOKEN":      "sample-generic-0123456789abcdef",
	"PASSERELLE_JASMIN_TOKEN":            "sample-jasmin-0123456789abcdef",
	"PASSERELLE_JASMIN_PASSWORD":         "samplepw",
	"PASSERELLE_KANNEL_TOKEN":            "sample-kannel-0123456789abcdef",
	"PASSERELLE_KANNEL_PASSWORD":         "sample-kannel-password",
}

// deployPlainSamples stand for non-secret values committed as placeholders.
var deployPlainSamples = map[string]string{
	"PASSERELLE_AT_USERNAME": "passerelle-at",
}

// deployComposeVars stand for deploy/.env, which compose.yaml interpolates.
var deployComposeVars = map[string]string{
	"GATEWAY_DOMAIN": "gw.example.org",
	"ACME_EMAIL":     "ops@example.org",
	"REDIS_PASSWORD": "0123456789abcdef0123456789abcdef",
}

// Where a value comes from.
const (
	deployLiteral     = iota // written in a committed file
	deployFill               // empty in a template the operator fills in (an env file's example)
	deployRef                // a Kubernetes Secret: the committed template holds the placeholder
	deployInterpolate        // compose interpolates deploy/.env into it
)

type deployValue struct {
	raw    string // as committed
	origin int
	value  string // as the process would see it, samples standing in for secrets
}

// deployUnit is one process a deployment file starts, or the image alone.
type deployUnit struct {
	name   string
	group  string // "compose", "k8s", "systemd", "image"
	role   string // "serve" or "worker"
	env    map[string]deployValue
	mounts map[string]string // path in the container → path here
	// Kubernetes only.
	container map[string]any
	pod       map[string]any
	labels    map[string]any
}

func (u deployUnit) getenv() func(string) string {
	return func(k string) string {
		v, ok := u.env[k]
		if !ok {
			return ""
		}
		return u.hostPath(v.value)
	}
}

// hostPath turns a path in the container into the file here that is
// mounted there.
func (u deployUnit) hostPath(p string) string {
	best := ""
	for target := range u.mounts {
		if (p == target || strings.HasPrefix(p, strings.TrimSuffix(target, "/")+"/")) && len(target) > len(best) {
			best = target
		}
	}
	if best == "" {
		return p
	}
	return u.mounts[best] + strings.TrimPrefix(p, best)
}

func (u deployUnit) set(t *testing.T, name, raw string, origin int) {
	v := deployValue{raw: raw, origin: origin, value: raw}
	isSecret := deploySecretSettings()[name]
	switch {
	case origin == deployRef || (origin == deployFill && isSecret) || raw == deployPlaceholder:
		sample, ok := deploySecretSamples[name]
		if !ok {
			sample, ok = deployPlainSamples[name]
		}
		if !ok {
			t.Errorf("%s: %s is a placeholder or a secret with no sample value: add one to deploy_test.go", u.name, name)
		}
		v.value = sample
	case origin == deployInterpolate:
		s, err := deployInterpolateVars(raw, deployComposeVars)
		if err != nil {
			t.Errorf("%s: %s: %v", u.name, name, err)
		}
		v.value = s
	}
	u.env[name] = v
}

func deploySettingNames() map[string]bool {
	m := map[string]bool{}
	for _, s := range settings() {
		m[s.env] = true
	}
	return m
}

func deploySecretSettings() map[string]bool {
	m := map[string]bool{}
	for _, s := range settings() {
		if s.secret {
			m[s.env] = true
		}
	}
	return m
}

// deployFiles lists every file under deploy/, relative to it.
func deployFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(deployDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(deployDir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// deployYAML parses every document of every YAML file under deploy/.
func deployYAML(t *testing.T) map[string][]map[string]any {
	t.Helper()
	docs := map[string][]map[string]any{}
	for _, f := range deployFiles(t) {
		if ext := filepath.Ext(f); ext != ".yaml" && ext != ".yml" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(deployDir, f))
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var doc map[string]any
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("deploy/%s: %v", f, err)
			}
			if doc != nil {
				docs[f] = append(docs[f], doc)
			}
		}
	}
	return docs
}

// dig follows map keys.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func digMap(v any, keys ...string) map[string]any {
	m, _ := dig(v, keys...).(map[string]any)
	return m
}

func digList(v any, keys ...string) []any {
	l, _ := dig(v, keys...).([]any)
	return l
}

func digString(v any, keys ...string) string {
	switch s := dig(v, keys...).(type) {
	case string:
		return s
	case int:
		return strconv.Itoa(s)
	case bool:
		return strconv.FormatBool(s)
	}
	return ""
}

// deployEnvLine is one KEY=value line of an env file.
type deployEnvLine struct {
	key, value string
	line       int
}

var deployEnvKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// deployReadEnv reads an env file as systemd, compose and kustomize all
// read it: blank lines, # comments, KEY=value. What they read differently
// (quotes, a comment after a value, export) is an error.
func deployReadEnv(path string) ([]deployEnvLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []deployEnvLine
	var errs []error
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		switch {
		case !ok || !deployEnvKey.MatchString(k):
			errs = append(errs, fmt.Errorf("line %d: want KEY=value", n))
		case strings.HasPrefix(v, `"`) || strings.HasPrefix(v, `'`):
			errs = append(errs, fmt.Errorf("line %d: %s: quotes are part of the value for kustomize and systemd, not for compose", n, k))
		case strings.Contains(v, " #") || strings.Contains(v, "\t#"):
			errs = append(errs, fmt.Errorf("line %d: %s: a comment after a value is part of it for systemd and kustomize", n, k))
		case v != strings.TrimSpace(v):
			errs = append(errs, fmt.Errorf("line %d: %s: spaces around the value", n, k))
		case seen[k]:
			errs = append(errs, fmt.Errorf("line %d: %s given twice", n, k))
		}
		seen[k] = true
		out = append(out, deployEnvLine{k, v, n})
	}
	return out, errors.Join(append(errs, sc.Err())...)
}

var deployVar = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)((:?[?+-])[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// deployInterpolateVars interpolates as compose does ($$, $VAR, ${VAR},
// ${VAR:?message}, ${VAR:-default}); a variable not in vars is an error.
func deployInterpolateVars(s string, vars map[string]string) (string, error) {
	var errs []error
	out := deployVar.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		sub := deployVar.FindStringSubmatch(m)
		name := sub[1] + sub[4]
		v, ok := vars[name]
		if !ok {
			errs = append(errs, fmt.Errorf("variable %s has no sample value (deployComposeVars)", name))
		}
		return v
	})
	return out, errors.Join(errs...)
}

// deployComposeVarNames lists the variables compose.yaml interpolates.
func deployComposeVarNames(s string) []string {
	var names []string
	for _, m := range deployVar.FindAllStringSubmatch(s, -1) {
		if n := m[1] + m[4]; n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// deployInstr is one instruction of deploy/Dockerfile, its continuation
// lines joined.
type deployInstr struct{ cmd, args string }

// deployReadDockerfile reads deploy/Dockerfile's instructions by stage
// (what comes before the first FROM is a stage of its own).
func deployReadDockerfile(t *testing.T) [][]deployInstr {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var stages [][]deployInstr
	var cur string
	flush := func() {
		cmd, args, _ := strings.Cut(strings.TrimSpace(cur), " ")
		cur = ""
		if cmd == "" {
			return
		}
		cmd = strings.ToUpper(cmd)
		if cmd == "FROM" || len(stages) == 0 {
			stages = append(stages, nil)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], deployInstr{cmd, strings.TrimSpace(args)})
	}
	for _, line := range strings.Split(string(b), "\n") {
		if trimmed := strings.TrimSpace(line); cur == "" && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if s, ok := strings.CutSuffix(strings.TrimRight(line, " \t"), `\`); ok {
			cur += s + " "
			continue
		}
		cur += line
		flush()
	}
	flush()
	return stages
}

// deployDockerEnv reads ENV K=V K2=V2 and ENV K V.
func deployDockerEnv(args string) map[string]string {
	out := map[string]string{}
	if strings.TrimSpace(args) == "" {
		return out
	}
	unquote := func(s string) string {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
		return strings.Trim(s, `'`)
	}
	if !strings.Contains(strings.Fields(args)[0], "=") {
		k, v, _ := strings.Cut(args, " ")
		out[k] = unquote(strings.TrimSpace(v))
		return out
	}
	for _, f := range strings.Fields(args) {
		k, v, _ := strings.Cut(f, "=")
		out[k] = unquote(v)
	}
	return out
}

// deployImageEnv is the final stage's ENV: what every container of the
// image starts with.
func deployImageEnv(t *testing.T) map[string]string {
	stages := deployReadDockerfile(t)
	env := map[string]string{}
	for _, in := range stages[len(stages)-1] {
		if in.cmd == "ENV" {
			for k, v := range deployDockerEnv(in.args) {
				env[k] = v
			}
		}
	}
	return env
}

func newDeployUnit(t *testing.T, name, group, role string, image map[string]string) deployUnit {
	u := deployUnit{name: name, group: group, role: role, env: map[string]deployValue{}, mounts: map[string]string{}}
	for k, v := range image {
		u.set(t, k, v, deployLiteral)
	}
	return u
}

// deployUnits reads every process the deployment files define.
func deployUnits(t *testing.T) []deployUnit {
	t.Helper()
	image := deployImageEnv(t)
	units := []deployUnit{newDeployUnit(t, "Dockerfile/image", "image", "serve", image)}

	// systemd: the example environment file, for both commands.
	example := filepath.Join(deployDir, "passerelle.env.example")
	lines, err := deployReadEnv(example)
	if err != nil {
		t.Errorf("deploy/passerelle.env.example: %v", err)
	}
	for _, role := range []string{"serve", "worker"} {
		u := newDeployUnit(t, "passerelle.env.example/"+role, "systemd", role, nil)
		for _, l := range lines {
			u.set(t, l.key, l.value, deployOriginOfFile(l.value))
		}
		// The example says: contacts.yaml goes to /etc/passerelle/.
		u.mounts["/etc/passerelle/contacts.yaml"] = filepath.Join(deployDir, "contacts.yaml")
		units = append(units, u)
	}

	docs := deployYAML(t)
	units = append(units, deployComposeUnits(t, docs["compose.yaml"], image)...)
	units = append(units, deployKubeUnits(t, docs, image)...)
	return units
}

// deployOriginOfFile: an empty value in an example env file is the
// operator's to fill in.
func deployOriginOfFile(v string) int {
	if v == "" {
		return deployFill
	}
	return deployLiteral
}

// deployComposeServices returns compose.yaml's services running the
// Passerelle image (built from deploy/Dockerfile, or the same image).
func deployComposeServices(doc map[string]any) map[string]map[string]any {
	images := map[string]bool{}
	for _, s := range digMap(doc, "services") {
		if strings.HasSuffix(digString(s, "build", "dockerfile"), "deploy/Dockerfile") {
			images[digString(s, "image")] = true
		}
	}
	out := map[string]map[string]any{}
	for name, s := range digMap(doc, "services") {
		if strings.HasSuffix(digString(s, "build", "dockerfile"), "deploy/Dockerfile") || images[digString(s, "image")] {
			out[name] = s.(map[string]any)
		}
	}
	return out
}

func deployComposeUnits(t *testing.T, docs []map[string]any, image map[string]string) []deployUnit {
	t.Helper()
	if len(docs) != 1 {
		t.Fatalf("deploy/compose.yaml: want one document, got %d", len(docs))
	}
	var units []deployUnit
	for name, svc := range deployComposeServices(docs[0]) {
		role := "serve" // the image's CMD
		if cmd := digList(svc, "command"); len(cmd) > 0 {
			role, _ = cmd[0].(string)
		}
		u := newDeployUnit(t, "compose.yaml/"+name, "compose", role, image)
		for _, f := range digList(svc, "env_file") {
			path, _ := f.(string)
			if path == "" {
				path = digString(f, "path")
			}
			// Not committed: its example stands in for it, even where
			// a filled-in copy exists.
			if _, err := os.Stat(filepath.Join(deployDir, path+".example")); err == nil {
				path += ".example"
			}
			lines, err := deployReadEnv(filepath.Join(deployDir, path))
			if err != nil {
				t.Errorf("%s: env_file %s: %v", u.name, path, err)
			}
			for _, l := range lines {
				u.set(t, l.key, l.value, deployOriginOfFile(l.value))
			}
		}
		env := map[string]string{}
		switch e := dig(svc, "environment").(type) {
		case map[string]any:
			for k := range e {
				env[k] = digString(e, k)
			}
		case []any:
			for _, kv := range e {
				k, v, _ := strings.Cut(fmt.Sprint(kv), "=")
				env[k] = v
			}
		}
		for k, v := range env {
			origin := deployLiteral
			if strings.Contains(strings.ReplaceAll(v, "$$", ""), "$") {
				origin = deployInterpolate
			}
			u.set(t, k, v, origin)
		}
		for _, vol := range digList(svc, "volumes") {
			src, target := digString(vol, "source"), digString(vol, "target")
			if s, ok := vol.(string); ok {
				parts := strings.Split(s, ":")
				src, target = parts[0], parts[1]
			}
			if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") {
				u.mounts[target] = filepath.Join(deployDir, src)
			}
		}
		units = append(units, u)
	}
	slices.SortFunc(units, func(a, b deployUnit) int { return strings.Compare(a.name, b.name) })
	return units
}

// deployKube indexes the Kubernetes objects and kustomize generators.
type deployKube struct {
	configMaps map[string]map[string]string // name → key → value
	cmFiles    map[string]map[string]string // generated from files: name → key → path here
	secrets    map[string]map[string]string
	objects    []deployObject
}

type deployObject struct {
	file string
	doc  map[string]any
}

func deployKubeIndex(t *testing.T, docs map[string][]map[string]any) deployKube {
	t.Helper()
	k := deployKube{configMaps: map[string]map[string]string{}, cmFiles: map[string]map[string]string{}, secrets: map[string]map[string]string{}}
	for file, ds := range docs {
		if file == "compose.yaml" || file == "contacts.yaml" {
			continue
		}
		for _, d := range ds {
			name := digString(d, "metadata", "name")
			switch digString(d, "kind") {
			case "ConfigMap":
				k.configMaps[name] = map[string]string{}
				for key := range digMap(d, "data") {
					k.configMaps[name][key] = digString(d, "data", key)
				}
			case "Secret":
				k.secrets[name] = map[string]string{}
				for key := range digMap(d, "stringData") {
					k.secrets[name][key] = digString(d, "stringData", key)
				}
				for key := range digMap(d, "data") {
					raw, _ := base64.StdEncoding.DecodeString(digString(d, "data", key))
					k.secrets[name][key] = string(raw)
				}
			case "Kustomization":
				dir := filepath.Join(deployDir, filepath.Dir(file))
				for _, g := range digList(d, "configMapGenerator") {
					name := digString(g, "name")
					k.configMaps[name] = map[string]string{}
					for _, e := range digList(g, "envs") {
						lines, err := deployReadEnv(filepath.Join(dir, fmt.Sprint(e)))
						if err != nil {
							t.Errorf("deploy/%s: %s: %v", file, e, err)
						}
						for _, l := range lines {
							k.configMaps[name][l.key] = l.value
						}
					}
					for _, lit := range digList(g, "literals") {
						key, v, _ := strings.Cut(fmt.Sprint(lit), "=")
						k.configMaps[name][key] = v
					}
					if files := digList(g, "files"); len(files) > 0 {
						k.cmFiles[name] = map[string]string{}
						for _, f := range files {
							key, path, ok := strings.Cut(fmt.Sprint(f), "=")
							if !ok {
								key, path = filepath.Base(key), key
							}
							k.cmFiles[name][key] = filepath.Join(dir, path)
						}
					}
				}
			default:
				k.objects = append(k.objects, deployObject{file, d})
			}
		}
	}
	return k
}

// deployPodSpec returns the pod template of a workload.
func deployPodSpec(d map[string]any) (spec, labels map[string]any) {
	switch digString(d, "kind") {
	case "Deployment", "StatefulSet", "DaemonSet", "Job":
		return digMap(d, "spec", "template", "spec"), digMap(d, "spec", "template", "metadata", "labels")
	case "CronJob":
		return digMap(d, "spec", "jobTemplate", "spec", "template", "spec"), digMap(d, "spec", "jobTemplate", "spec", "template", "metadata", "labels")
	}
	return nil, nil
}

func deployKubeUnits(t *testing.T, docs map[string][]map[string]any, image map[string]string) []deployUnit {
	t.Helper()
	k := deployKubeIndex(t, docs)
	var units []deployUnit
	for _, o := range k.objects {
		pod, labels := deployPodSpec(o.doc)
		if pod == nil {
			continue
		}
		for _, c := range digList(pod, "containers") {
			role := "serve"
			if args := digList(c, "args"); len(args) > 0 {
				role = fmt.Sprint(args[0])
			}
			name := fmt.Sprintf("%s/%s/%s", o.file, digString(o.doc, "metadata", "name"), digString(c, "name"))
			u := newDeployUnit(t, name, "k8s", role, image)
			u.container, u.pod, u.labels = c.(map[string]any), pod, labels
			for _, from := range digList(c, "envFrom") {
				if cm := digString(from, "configMapRef", "name"); cm != "" {
					data, ok := k.configMaps[cm]
					if !ok {
						t.Errorf("%s: ConfigMap %s is defined nowhere under deploy/", name, cm)
					}
					for key, v := range data {
						u.set(t, key, v, deployLiteral)
					}
				}
				if s := digString(from, "secretRef", "name"); s != "" {
					data, ok := k.secrets[s]
					if !ok {
						t.Errorf("%s: Secret %s has no template under deploy/", name, s)
					}
					for key, v := range data {
						u.set(t, key, v, deployRef)
					}
				}
			}
			for _, e := range digList(c, "env") {
				key := digString(e, "name")
				switch {
				case dig(e, "valueFrom", "secretKeyRef") != nil:
					s, sk := digString(e, "valueFrom", "secretKeyRef", "name"), digString(e, "valueFrom", "secretKeyRef", "key")
					v, ok := k.secrets[s][sk]
					if !ok {
						if dig(e, "valueFrom", "secretKeyRef", "optional") != true {
							t.Errorf("%s: %s: Secret %s has no key %s in its template", name, key, s, sk)
						}
						continue
					}
					u.set(t, key, v, deployRef)
				case dig(e, "valueFrom", "configMapKeyRef") != nil:
					cm, ck := digString(e, "valueFrom", "configMapKeyRef", "name"), digString(e, "valueFrom", "configMapKeyRef", "key")
					if v, ok := k.configMaps[cm][ck]; ok {
						u.set(t, key, v, deployLiteral)
					}
				case dig(e, "valueFrom") == nil:
					u.set(t, key, digString(e, "value"), deployLiteral)
				}
			}
			// Volumes made from ConfigMaps: their files, copied into a
			// directory standing for the mount.
			vols := map[string]string{}
			for _, v := range digList(pod, "volumes") {
				if cm := digString(v, "configMap", "name"); cm != "" {
					vols[digString(v, "name")] = cm
				}
			}
			for _, m := range digList(c, "volumeMounts") {
				cm, ok := vols[digString(m, "name")]
				if !ok {
					continue
				}
				if digString(m, "subPath") != "" {
					t.Errorf("%s: %s is mounted with subPath: such a mount never sees a change of its ConfigMap", name, digString(m, "mountPath"))
				}
				dir := t.TempDir()
				for key, path := range k.cmFiles[cm] {
					b, err := os.ReadFile(path)
					if err != nil {
						t.Errorf("%s: ConfigMap %s: %v", name, cm, err)
					}
					deployWrite(t, filepath.Join(dir, key), b)
				}
				if _, generated := k.cmFiles[cm]; !generated {
					data, ok := k.configMaps[cm]
					if !ok {
						t.Errorf("%s: ConfigMap %s is defined nowhere under deploy/", name, cm)
					}
					for key, v := range data {
						deployWrite(t, filepath.Join(dir, key), []byte(v))
					}
				}
				u.mounts[digString(m, "mountPath")] = dir
			}
			units = append(units, u)
		}
	}
	slices.SortFunc(units, func(a, b deployUnit) int { return strings.Compare(a.name, b.name) })
	return units
}

func deployWrite(t *testing.T, path string, b []byte) {
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDeploySettingNames: every PASSERELLE_… name written anywhere under
// deploy/ (or in docs/scaling.md), set or mentioned in a comment, is a
// setting the binary reads.
func TestDeploySettingNames(t *testing.T) {
	t.Parallel()
	known := deploySettingNames()
	name := regexp.MustCompile(`PASSERELLE_[A-Z0-9_]*[A-Z0-9]`)
	files := append([]string{"../docs/scaling.md"}, deployFiles(t)...)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join(deployDir, f))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range name.FindAllString(string(b), -1) {
				if !known[n] {
					t.Errorf("%s is not a setting of the binary (settings() in config.go)", n)
				}
			}
		})
	}
	for _, u := range deployUnits(t) {
		t.Run(u.name, func(t *testing.T) {
			t.Parallel()
			for k := range u.env {
				if strings.HasPrefix(k, "PASSERELLE_") && !known[k] {
					t.Errorf("sets %s, which is not a setting", k)
				}
			}
		})
	}
}

// TestDeployRequiredSettings: every gateway and worker is given what
// production requires: a Redis URL, the key of the keyed hash, and the USSD
// route's token (or the explicit choice of an open route).
func TestDeployRequiredSettings(t *testing.T) {
	t.Parallel()
	for _, u := range deployUnits(t) {
		if u.group == "image" {
			continue // the image alone runs on the embedded store
		}
		t.Run(u.name, func(t *testing.T) {
			t.Parallel()
			for _, k := range []string{"PASSERELLE_REDIS_URL", "PASSERELLE_SECRET"} {
				if _, ok := u.env[k]; !ok {
					t.Errorf("%s is not given", k)
				}
			}
			_, token := u.env["PASSERELLE_USSD_TOKEN"]
			if open := u.env["PASSERELLE_USSD_OPEN"]; !token && open.value != "true" {
				t.Error("neither PASSERELLE_USSD_TOKEN nor PASSERELLE_USSD_OPEN=true is given")
			}
		})
	}
}

// TestDeployConfigLoads: the settings of every process, secrets filled in
// with samples and mounted files resolved, pass the binary's own checks.
func TestDeployConfigLoads(t *testing.T) {
	t.Parallel()
	for _, u := range deployUnits(t) {
		t.Run(u.name, func(t *testing.T) {
			t.Parallel()
			if u.role != "serve" && u.role != "worker" {
				t.Fatalf("runs %q: want serve or worker", u.role)
			}
			c, _, err := loadConfig(u.role, nil, u.getenv())
			if err != nil {
				t.Fatalf("loadConfig(%q) refuses it:\n%v", u.role, err)
			}
			if u.group != "image" && u.group != "systemd" && c.RedisURL == "" {
				t.Error("runs on the embedded store: nothing would survive a restart")
			}
		})
	}
}

// TestDeploySecrets: no secret is committed: a secret setting's value comes
// from a Secret, an env file the operator fills in, or compose's .env; the
// Secret template holds placeholders only and names every secret setting.
func TestDeploySecrets(t *testing.T) {
	t.Parallel()
	secret := deploySecretSettings()
	for _, u := range deployUnits(t) {
		t.Run(u.name, func(t *testing.T) {
			t.Parallel()
			for k, v := range u.env {
				if !secret[k] || v.origin == deployRef || v.origin == deployFill {
					continue
				}
				if k == "PASSERELLE_REDIS_URL" && deployRedisURLWithoutPassword(v.raw) {
					continue // the secret part of a Redis URL is its password
				}
				if v.origin == deployInterpolate && k != "PASSERELLE_REDIS_URL" {
					continue
				}
				t.Errorf("%s is committed with a value: it must come from a Secret, an env file or compose's .env", k)
			}
		})
	}
	t.Run("template", func(t *testing.T) {
		t.Parallel()
		k := deployKubeIndex(t, deployYAML(t))
		if len(k.secrets) == 0 {
			t.Fatal("no Secret template under deploy/")
		}
		for name, data := range k.secrets {
			for key, v := range data {
				if v != deployPlaceholder {
					t.Errorf("Secret %s: %s is %q, want the placeholder %s", name, key, v, deployPlaceholder)
				}
			}
		}
		b, err := os.ReadFile(filepath.Join(deployDir, "k8s", "secret.example.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for k := range secret {
			if !bytes.Contains(b, []byte(k)) {
				t.Errorf("deploy/k8s/secret.example.yaml does not name the secret setting %s", k)
			}
			if _, ok := deploySecretSamples[k]; !ok {
				t.Errorf("no sample value for the secret setting %s in deploySecretSamples", k)
			}
		}
	})
}

// deployRedisURLWithoutPassword: a Redis URL whose password, if any, is
// interpolated from outside the file.
func deployRedisURLWithoutPassword(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || strings.Contains(raw, "${") {
		// An interpolated password may hold anything: judge the user
		// information by hand.
		rest, ok := strings.CutPrefix(raw, "redis://")
		if !ok {
			rest, _ = strings.CutPrefix(raw, "rediss://")
		}
		info, _, found := strings.Cut(rest, "@")
		_, pass, hasPass := strings.Cut(info, ":")
		return !found || !hasPass || strings.HasPrefix(pass, "${")
	}
	_, has := u.User.Password()
	return !has
}

// TestDeployPlaceholdersFailClosed: every placeholder left in (a Secret
// template's value, a setting to fill in) stops start-up, naming the
// setting.
func TestDeployPlaceholdersFailClosed(t *testing.T) {
	t.Parallel()
	for _, u := range deployUnits(t) {
		for k, v := range u.env {
			if v.raw != deployPlaceholder {
				continue
			}
			t.Run(u.name+"/"+k, func(t *testing.T) {
				t.Parallel()
				left := deployUnit{env: map[string]deployValue{}, mounts: u.mounts}
				for k2, v2 := range u.env {
					left.env[k2] = v2
				}
				left.env[k] = deployValue{value: deployPlaceholder}
				_, _, err := loadConfig(u.role, nil, left.getenv())
				if err == nil || !strings.Contains(err.Error(), k+":") {
					t.Errorf("with %s=%s left in, loadConfig says %v; want an error naming it", k, deployPlaceholder, err)
				}
			})
		}
	}
}

// TestDeployTopology: where workers send, the gateways leave the outbox to
// them; the compose proxy knows every gateway; a Kubernetes gateway is
// probed on the port it listens on, and every container is locked down and
// sized.
func TestDeployTopology(t *testing.T) {
	t.Parallel()
	units := deployUnits(t)
	groups := map[string][]deployUnit{}
	for _, u := range units {
		groups[u.group] = append(groups[u.group], u)
	}
	for _, g := range []string{"compose", "k8s"} {
		t.Run(g, func(t *testing.T) {
			t.Parallel()
			var serve, work int
			for _, u := range groups[g] {
				switch u.role {
				case "serve":
					serve++
					if v := u.env["PASSERELLE_OUTBOX_IN_SERVE"]; v.value != "false" {
						t.Errorf("%s: gateway beside workers without PASSERELLE_OUTBOX_IN_SERVE=false", u.name)
					}
				case "worker":
					work++
				}
			}
			if serve == 0 || work == 0 {
				t.Errorf("%d gateways and %d workers; want both", serve, work)
			}
		})
	}
	t.Run("caddy", func(t *testing.T) {
		t.Parallel()
		b, err := os.ReadFile(filepath.Join(deployDir, "Caddyfile"))
		if err != nil {
			t.Fatal(err)
		}
		var upstreams []string
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) > 1 && f[0] == "reverse_proxy" {
				for _, u := range f[1:] {
					if u != "{" {
						upstreams = append(upstreams, u)
					}
				}
			}
		}
		var want []string
		for _, u := range groups["compose"] {
			if u.role == "serve" {
				want = append(want, strings.TrimPrefix(u.name, "compose.yaml/")+deployPort(u))
			}
		}
		slices.Sort(upstreams)
		slices.Sort(want)
		if !slices.Equal(upstreams, want) {
			t.Errorf("Caddyfile sends to %v; compose.yaml's gateways are %v", upstreams, want)
		}
	})
	for _, u := range groups["k8s"] {
		t.Run(u.name, func(t *testing.T) {
			t.Parallel()
			deployCheckContainer(t, u)
		})
	}
	t.Run("k8s/selectors", func(t *testing.T) {
		t.Parallel()
		deployCheckSelectors(t, groups["k8s"])
	})
}

// deployCheckSelectors: the Service, the PodDisruptionBudgets and the
// autoscaler find the pods they are meant for.
func deployCheckSelectors(t *testing.T, units []deployUnit) {
	matches := func(sel map[string]any) (roles []string) {
		for _, u := range units {
			ok := len(sel) > 0
			for k, v := range sel {
				ok = ok && digString(u.labels, k) == fmt.Sprint(v)
			}
			if ok {
				roles = append(roles, u.role)
			}
		}
		return roles
	}
	k := deployKubeIndex(t, deployYAML(t))
	for _, o := range k.objects {
		name := o.file + "/" + digString(o.doc, "kind") + "/" + digString(o.doc, "metadata", "name")
		switch digString(o.doc, "kind") {
		case "Service":
			if roles := matches(digMap(o.doc, "spec", "selector")); !slices.Equal(slices.Compact(roles), []string{"serve"}) {
				t.Errorf("%s selects pods running %v, want the gateways only", name, roles)
			}
		case "PodDisruptionBudget":
			if roles := matches(digMap(o.doc, "spec", "selector", "matchLabels")); len(slices.Compact(roles)) != 1 {
				t.Errorf("%s selects pods running %v, want one kind", name, roles)
			}
		case "HorizontalPodAutoscaler":
			target := digString(o.doc, "spec", "scaleTargetRef", "name")
			found := false
			for _, u := range units {
				found = found || strings.Contains(u.name, "/"+target+"/") && u.role == "serve"
			}
			if !found {
				t.Errorf("%s scales %s, which runs no gateway", name, target)
			}
		}
	}
}

// deployPort is the ":port" of PASSERELLE_ADDR.
func deployPort(u deployUnit) string {
	addr := u.env["PASSERELLE_ADDR"].value
	if addr == "" {
		addr = ":8080"
	}
	return addr[strings.LastIndex(addr, ":"):]
}

func deployCheckContainer(t *testing.T, u deployUnit) {
	c, pod := u.container, u.pod
	if digString(pod, "enableServiceLinks") != "false" {
		t.Error("enableServiceLinks is not false: Kubernetes would add <SERVICE>_… variables, PASSERELLE_… ones for a Service named passerelle…")
	}
	if digString(pod, "automountServiceAccountToken") != "false" {
		t.Error("automountServiceAccountToken is not false: the binary never calls the Kubernetes API")
	}
	nonRoot := func(key string) string {
		if v := digString(c, "securityContext", key); v != "" {
			return v
		}
		return digString(pod, "securityContext", key)
	}
	if nonRoot("runAsNonRoot") != "true" {
		t.Error("runAsNonRoot is not true")
	}
	if n, _ := strconv.Atoi(nonRoot("runAsUser")); n == 0 {
		t.Error("runAsUser is not a user other than root")
	}
	for key, want := range map[string]string{"readOnlyRootFilesystem": "true", "allowPrivilegeEscalation": "false"} {
		if got := digString(c, "securityContext", key); got != want {
			t.Errorf("securityContext.%s is %q, want %s", key, got, want)
		}
	}
	if drop := digList(c, "securityContext", "capabilities", "drop"); !slices.Contains(drop, any("ALL")) {
		t.Error("capabilities do not drop ALL")
	}
	for _, kind := range []string{"requests", "limits"} {
		for _, r := range []string{"cpu", "memory"} {
			if digString(c, "resources", kind, r) == "" {
				t.Errorf("no resources.%s.%s", kind, r)
			}
		}
	}
	limit, err := deployQuantity(digString(c, "resources", "limits", "memory"))
	if err != nil {
		t.Error(err)
	}
	if gml, ok := u.env["GOMEMLIMIT"]; ok {
		n, err := deployQuantity(strings.TrimSuffix(gml.value, "B"))
		if err != nil || n > limit*9/10 {
			t.Errorf("GOMEMLIMIT %s is not at most 90%% of the memory limit %d bytes", gml.value, limit)
		}
	}
	ports := map[string]string{}
	for _, p := range digList(c, "ports") {
		ports[digString(p, "name")] = ":" + digString(p, "containerPort")
	}
	switch u.role {
	case "serve":
		for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz"} {
			if got := digString(c, probe, "httpGet", "path"); got != path {
				t.Errorf("%s path %q, want %s", probe, got, path)
			}
			port := digString(c, probe, "httpGet", "port")
			if p, ok := ports[port]; ok {
				port = p
			} else {
				port = ":" + port
			}
			if port != deployPort(u) {
				t.Errorf("%s on %s; the gateway listens on %s (PASSERELLE_ADDR)", probe, port, deployPort(u))
			}
		}
	case "worker":
		if len(ports) > 0 {
			t.Error("a worker declares ports: it listens on none")
		}
	}
}

// deployQuantity reads a Kubernetes memory quantity (128Mi, 1Gi, 500M) or
// a Go one (230MiB once "B" is cut) in bytes.
func deployQuantity(q string) (int64, error) {
	for suffix, mult := range map[string]int64{"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "K": 1e3, "k": 1e3, "M": 1e6, "G": 1e9} {
		if n, ok := strings.CutSuffix(q, suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			if err == nil {
				return v * mult, nil
			}
		}
	}
	v, err := strconv.ParseInt(q, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("memory quantity %q: %v", q, err)
	}
	return v, nil
}

// TestDeployKubeContent: the flows and texts a Kubernetes gateway mounts
// are exactly the repository's: a file left out of kustomization.yaml
// would make a text missing at run time.
func TestDeployKubeContent(t *testing.T) {
	t.Parallel()
	for _, u := range deployUnits(t) {
		if u.group != "k8s" || u.role != "serve" {
			continue
		}
		for env, repo := range map[string]string{"PASSERELLE_FLOWS_DIR": "../../flows", "PASSERELLE_LOCALES_DIR": "../../locales"} {
			t.Run(u.name+"/"+env, func(t *testing.T) {
				t.Parallel()
				dir := u.getenv()(env)
				if dir == "" {
					t.Skip("built-in copies")
				}
				want, _ := filepath.Glob(filepath.Join(repo, "*.yaml"))
				got, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
				for i := range want {
					want[i] = filepath.Base(want[i])
				}
				for i := range got {
					got[i] = filepath.Base(got[i])
				}
				if !slices.Equal(got, want) {
					t.Errorf("mounted %v; the repository has %v", got, want)
				}
			})
		}
	}
}

// TestDeployDockerfile: a static, stripped build; a numeric non-root user
// (runAsNonRoot can only check a number); the binary as entry point with
// serve by default, on the port PASSERELLE_ADDR names; a build context
// keeping every Go package.
func TestDeployDockerfile(t *testing.T) {
	t.Parallel()
	stages := deployReadDockerfile(t)
	all := map[string][]string{}
	for _, st := range stages {
		for _, in := range st {
			all[in.cmd] = append(all[in.cmd], in.args)
		}
	}
	final := map[string]string{}
	for _, in := range stages[len(stages)-1] {
		final[in.cmd] = in.args
	}
	build := strings.Join(all["RUN"], "\n")
	port := deployPort(deployUnit{env: map[string]deployValue{"PASSERELLE_ADDR": {value: deployImageEnv(t)["PASSERELLE_ADDR"]}}})
	cases := []struct {
		name string
		ok   bool
	}{
		{"multi-stage", len(all["FROM"]) >= 2},
		{"CGO_ENABLED=0", strings.Contains(build, "CGO_ENABLED=0")},
		{"-trimpath", strings.Contains(build, "-trimpath")},
		{`-ldflags "-s -w"`, strings.Contains(build, `-ldflags "-s -w"`)},
		{"numeric non-root USER", regexp.MustCompile(`^[1-9][0-9]*(:[1-9][0-9]*)?$`).MatchString(final["USER"])},
		{"ENTRYPOINT the binary", strings.HasSuffix(strings.Trim(final["ENTRYPOINT"], `[]"`), "/passerelle")},
		{"CMD serve", final["CMD"] == `["serve"]`},
		{"EXPOSE the port of PASSERELLE_ADDR", ":"+final["EXPOSE"] == port},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if !c.ok {
				t.Error("not so in deploy/Dockerfile")
			}
		})
	}
	t.Run("dockerignore", func(t *testing.T) {
		t.Parallel()
		b, err := os.ReadFile(filepath.Join(deployDir, "Dockerfile.dockerignore"))
		if err != nil {
			t.Fatal(err)
		}
		kept := map[string]bool{}
		for _, line := range strings.Split(string(b), "\n") {
			if d, ok := strings.CutPrefix(strings.TrimSpace(line), "!"); ok {
				kept[strings.TrimSuffix(d, "/")] = true
			}
		}
		entries, err := os.ReadDir("../..")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && e.Name() != "bench" && deployHasGo(filepath.Join("../..", e.Name())) && !kept[e.Name()] {
				t.Errorf("%s/ holds Go packages but is left out of the build context", e.Name())
			}
		}
		for _, f := range []string{"go.mod", "go.sum"} {
			if !kept[f] {
				t.Errorf("%s is left out of the build context", f)
			}
		}
	})
}

// deployHasGo reports whether dir holds a non-test Go file.
func deployHasGo(dir string) bool {
	found := false
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found
}

// TestDeployComposeFiles: the files compose.yaml reads but git must not
// hold are ignored, and every variable it interpolates is in the example of
// its .env.
func TestDeployComposeFiles(t *testing.T) {
	t.Parallel()
	docs := deployYAML(t)["compose.yaml"]
	raw, err := os.ReadFile(filepath.Join(deployDir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ignore, err := os.ReadFile(filepath.Join(deployDir, ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	ignored := strings.Split(string(ignore), "\n")
	wantIgnored := []string{".env"}
	for _, svc := range digMap(docs[0], "services") {
		for _, f := range digList(svc, "env_file") {
			if s, ok := f.(string); ok && !slices.Contains(wantIgnored, s) {
				wantIgnored = append(wantIgnored, s)
			}
		}
	}
	for _, f := range wantIgnored {
		t.Run("ignored/"+f, func(t *testing.T) {
			t.Parallel()
			if !slices.Contains(ignored, f) {
				t.Errorf("deploy/.gitignore does not ignore %s", f)
			}
			if _, err := os.Stat(filepath.Join(deployDir, f)); err == nil && f != ".env" {
				t.Logf("deploy/%s exists here: make sure it is never committed", f)
			}
		})
	}
	lines, err := deployReadEnv(filepath.Join(deployDir, "compose.env.example"))
	if err != nil {
		t.Errorf("deploy/compose.env.example: %v", err)
	}
	declared := map[string]bool{}
	for _, l := range lines {
		declared[l.key] = true
	}
	for _, v := range deployComposeVarNames(string(raw)) {
		t.Run("variable/"+v, func(t *testing.T) {
			t.Parallel()
			if !declared[v] {
				t.Errorf("compose.yaml interpolates %s; deploy/compose.env.example does not declare it", v)
			}
			if _, ok := deployComposeVars[v]; !ok {
				t.Errorf("no sample value for %s in deployComposeVars", v)
			}
		})
	}
}

// TestDeployInterpolate checks the test's own reading of compose's
// interpolation.
func TestDeployInterpolate(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"A": "x", "B": "y"}
	cases := []struct{ in, want, err string }{
		{in: "plain", want: "plain"},
		{in: "$$A", want: "$A"},
		{in: "${A}-$B", want: "x-y"},
		{in: "redis://:${A:?set A}@h:6379/0", want: "redis://:x@h:6379/0"},
		{in: "${B:-default}", want: "y"},
		{in: "${C}", err: "C"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := deployInterpolateVars(c.in, vars)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("error %v, want one naming %s", err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}
