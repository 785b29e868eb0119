package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// BinaryEnv names the environment variable that points Binary at a prebuilt
// gongxu binary instead of building one.
const BinaryEnv = "GONGXU_TEST_BINARY"

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// Binary returns the path of a gongxu binary built from this module's
// ./cmd/gongxu. It is built once per test process, into a temporary directory
// named after the process; directories left by earlier test processes that
// have exited are removed.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if p := os.Getenv(BinaryEnv); p != "" {
			buildPath, buildErr = filepath.Abs(p)
			return
		}
		buildPath, buildErr = build()
	})
	if buildErr != nil {
		t.Fatalf("testenv: gongxu binary: %v", buildErr)
	}
	return buildPath
}

// ModuleRoot returns the directory of the go.mod above the working directory
// (a test runs in its package's directory).
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

const binDirPrefix = "gongxu-testenv-"

func build() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	sweepBinDirs()
	dir, err := os.MkdirTemp("", binDirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "gongxu")
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	// go test puts GOROOT/bin first on the PATH of test binaries.
	cmd := exec.Command("go", "build", "-o", out, "./cmd/gongxu")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("go build ./cmd/gongxu in %s: %v\n%s", root, err, b)
	}
	return out, nil
}

// sweepBinDirs removes the binary directories of test processes that are gone.
func sweepBinDirs() {
	entries, _ := os.ReadDir(os.TempDir())
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), binDirPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidStr, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		os.RemoveAll(filepath.Join(os.TempDir(), e.Name()))
	}
}
