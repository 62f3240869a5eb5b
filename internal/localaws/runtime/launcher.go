package runtime

import (
	_ "embed"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
)

// The runtime clients of the managed runtimes: they speak the Runtime API and load the handler from the
// task root, as the runtime clients of Lambda's python and nodejs runtimes do.
var (
	//go:embed python/bootstrap.py
	pythonBootstrap []byte
	//go:embed nodejs/bootstrap.mjs
	nodeBootstrap []byte
)

// runtimeClients are the files written to the runtime directory (LAMBDA_RUNTIME_DIR).
var runtimeClients = map[string][]byte{"bootstrap.py": pythonBootstrap, "bootstrap.mjs": nodeBootstrap}

// launcher says how a runtime starts.
type launcher struct {
	// command returns the program and arguments, given the task root and runtime directory.
	command func(r *Runtime, taskRoot, runtimeDir string) (path string, args []string)
	// managed is set for runtimes AWS provides (python, nodejs): the program is the interpreter running the
	// project's runtime client, and the process gets AWS_EXECUTION_ENV. Custom runtimes run the zip's
	// bootstrap.
	managed bool
}

// launcherFor returns the launcher of a runtime identifier.
func launcherFor(runtimeID string) (launcher, bool) {
	switch {
	case runtimeID == "provided" || runtimeID == "provided.al2" || runtimeID == "provided.al2023":
		return launcher{command: func(_ *Runtime, taskRoot, _ string) (string, []string) {
			return filepath.Join(taskRoot, "bootstrap"), nil
		}}, true
	case strings.HasPrefix(runtimeID, "python3."):
		return launcher{managed: true, command: func(r *Runtime, _, runtimeDir string) (string, []string) {
			return r.cfg.Python, []string{filepath.Join(runtimeDir, "bootstrap.py")}
		}}, true
	case isNodeRuntime(runtimeID):
		return launcher{managed: true, command: func(r *Runtime, _, runtimeDir string) (string, []string) {
			return r.cfg.Node, []string{filepath.Join(runtimeDir, "bootstrap.mjs")}
		}}, true
	}
	return launcher{}, false
}

// isNodeRuntime reports whether a runtime is one of the nodejs runtimes Lambda still runs (18.x and later).
func isNodeRuntime(runtimeID string) bool {
	version, ok := strings.CutPrefix(runtimeID, "nodejs")
	major, err := strconv.Atoi(strings.TrimSuffix(version, ".x"))
	return ok && strings.HasSuffix(version, ".x") && err == nil && major >= 18
}

// isPython reports whether a runtime runs under the python runtime client.
func isPython(runtimeID string) bool { return strings.HasPrefix(runtimeID, "python3.") }

// Dummy credentials functions get; localaws accepts any.
const (
	dummyAccessKeyID     = "ASIALOCALAWSFUNCTION"
	dummySecretAccessKey = "localaws-function-secret-access-key"
	dummySessionToken    = "localaws-function-session-token"
)

// sandboxEnv is what a sandbox's environment is made from.
type sandboxEnv struct {
	fn                   lambda.FunctionView
	endpoint             string
	runtimeAPI           string
	logStream            string
	taskRoot, runtimeDir string
}

// environment builds a function process's environment as Lambda does: defaults the function may override
// (AWS_ENDPOINT_URL, LANG, PATH, TZ), then the function's variables, then the reserved variables Lambda
// always sets. The host environment is not inherited.
func (e sandboxEnv) environment() []string {
	region, handler := e.fn.Region, e.fn.Handler
	vars := map[string]string{
		"LANG": "en_US.UTF-8",
		"PATH": os.Getenv("PATH"),
		"TZ":   ":UTC",
	}
	if e.endpoint != "" {
		vars["AWS_ENDPOINT_URL"] = e.endpoint
	}
	if isPython(e.fn.Runtime) {
		vars["PYTHONPATH"] = e.runtimeDir
	}
	maps.Copy(vars, e.fn.Environment)
	reserved := map[string]string{
		"_HANDLER":                        handler,
		"AWS_REGION":                      region,
		"AWS_DEFAULT_REGION":              region,
		"AWS_LAMBDA_RUNTIME_API":          e.runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME":        e.fn.Name,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(e.fn.MemorySize),
		"AWS_LAMBDA_LOG_GROUP_NAME":       functionLogGroup(e.fn),
		"AWS_LAMBDA_LOG_STREAM_NAME":      e.logStream,
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_ACCESS_KEY_ID":               dummyAccessKeyID,
		"AWS_SECRET_ACCESS_KEY":           dummySecretAccessKey,
		"AWS_SESSION_TOKEN":               dummySessionToken,
		"LAMBDA_TASK_ROOT":                e.taskRoot,
		"LAMBDA_RUNTIME_DIR":              e.runtimeDir,
	}
	if e.fn.LogFormat != "" {
		reserved["AWS_LAMBDA_LOG_FORMAT"] = e.fn.LogFormat
	}
	if e.fn.ApplicationLogLevel != "" {
		// Set only in the JSON format; a Text function may set AWS_LAMBDA_LOG_LEVEL itself.
		reserved["AWS_LAMBDA_LOG_LEVEL"] = e.fn.ApplicationLogLevel
	}
	if l, _ := launcherFor(e.fn.Runtime); l.managed {
		reserved["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + e.fn.Runtime
	}
	maps.Copy(vars, reserved)
	out := make([]string, 0, len(vars))
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		out = append(out, k+"="+vars[k])
	}
	return out
}

// logGroupName is the log group Lambda writes a function's logs to by default.
func logGroupName(function string) string { return "/aws/lambda/" + function }

// functionLogGroup is the log group of a function's LoggingConfig, or the default one.
func functionLogGroup(fn lambda.FunctionView) string {
	if fn.LogGroup != "" {
		return fn.LogGroup
	}
	return logGroupName(fn.Name)
}
