// kube-reader: what `kubectl apply -f FILE` (Kubernetes 1.32) hands to the API server, step by step,
// written from the documented behaviour of kubectl's FileVisitor and StreamVisitor, apimachinery's
// YAMLOrJSONDecoder and YAMLReader, and sigs.k8s.io/yaml (go-yaml v2 inside). It is the reference
// KubeDelta's own reader is tested against (test/reference/compare.ts).
//
// Build offline from Debian's packages (scripts/build-kube-reader.sh):
//
//	GOPATH=<tmp>:/usr/share/gocode GO111MODULE=off go build
//
// Usage:
//
//	kube-reader FILE...   {"files":[{"file":..., "documents":[{"line":N,"value":<json>}], "errors":[{"line":N,"message":...}]}]}
//	kube-reader --batch   stdin: JSON array of base64 inputs; stdout: JSON array of {"documents":[...],"errors":[...]}
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	textunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	goyaml "gopkg.in/yaml.v2"
	"sigs.k8s.io/yaml"
)

// jsonSniffSize is the buffer kubectl's StreamVisitor gives NewYAMLOrJSONDecoder: only this many
// (decoded) bytes are looked at to decide between a JSON stream and a YAML stream.
const jsonSniffSize = 4096

type document struct {
	// 1-based line of the file where the document's chunk starts (YAML), or where the value's first
	// byte is (JSON).
	Line  int             `json:"line"`
	Value json.RawMessage `json:"value"`
}

type problem struct {
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

type result struct {
	Documents []document `json:"documents"`
	Errors    []problem  `json:"errors"`
}

type fileResult struct {
	File string `json:"file"`
	result
}

// read reads one input the way kubectl does. A panic anywhere is reported as an error of this input
// (the documents read before it are kept).
func read(input []byte) (res *result) {
	res = &result{Documents: []document{}, Errors: []problem{}}
	defer func() {
		if r := recover(); r != nil {
			res.Errors = append(res.Errors, problem{Message: fmt.Sprintf("panic: %v", r)})
		}
	}()

	// 1. kubectl's FileVisitor: UTF-8 by default (invalid bytes become U+FFFD); a UTF-16 BOM switches
	// to UTF-16 LE/BE; a UTF-8 BOM is dropped and switches to transform.Nop, so that after it invalid
	// UTF-8 reaches the decoders as it is (go-yaml rejects it, encoding/json keeps it in strings).
	decoder := textunicode.BOMOverride(textunicode.UTF8.NewDecoder())
	data, err := io.ReadAll(transform.NewReader(bytes.NewReader(input), decoder))
	if err != nil {
		res.Errors = append(res.Errors, problem{Message: "reading the file: " + err.Error()})
		return res
	}

	// 2. YAMLOrJSONDecoder(reader, 4096): a stream whose first 4096 bytes start, after unicode
	// white space, with "{" is read as a stream of JSON values; anything else as YAML.
	peek := data
	if len(peek) > jsonSniffSize {
		peek = peek[:jsonSniffSize]
	}
	if bytes.HasPrefix(bytes.TrimLeftFunc(peek, unicode.IsSpace), []byte("{")) {
		readJSONStream(data, res)
	} else {
		readYAMLStream(data, res)
	}
	return res
}

// lineAt is the 1-based line of byte offset `offset` in data.
func lineAt(data []byte, offset int64) int {
	if offset < 0 {
		offset = 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// readJSONStream: encoding/json's Decoder over the whole stream; the first error stops the file.
func readJSONStream(data []byte, res *result) {
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			return
		}
		if err != nil {
			var syntax *json.SyntaxError
			if errors.As(err, &syntax) {
				// apimachinery's JSONSyntaxError wording; Offset counts from the stream's start and
				// includes the offending byte.
				res.Errors = append(res.Errors, problem{
					Line:    lineAt(data, syntax.Offset-1),
					Message: fmt.Sprintf("json: offset %d: %s", syntax.Offset, syntax.Error()),
				})
			} else {
				res.Errors = append(res.Errors, problem{Message: err.Error()})
			}
			return
		}
		start := dec.InputOffset() - int64(len(raw))
		// kubectl's StreamVisitor: trimmed, and skipped when empty or null.
		trimmed := bytes.TrimSpace(raw)
		if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
			continue
		}
		value, err := normalizeJSON(trimmed)
		if err != nil {
			res.Errors = append(res.Errors, problem{Line: lineAt(data, start), Message: err.Error()})
			return
		}
		res.Documents = append(res.Documents, document{Line: lineAt(data, start), Value: value})
	}
}

// normalizeJSON re-encodes a raw JSON value the way Kubernetes' own JSON decoding sees it, so that
// the value can be compared with another reader's after a JSON round trip: duplicate keys keep the
// last value, lone surrogate escapes become U+FFFD; numbers are kept as written, and a number no
// float64 can hold (1e400) is an error, as it is when kubectl decodes the object.
func normalizeJSON(raw []byte) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var value interface{}
	if err := dec.Decode(&value); err != nil {
		return nil, err
	}
	if err := checkNumbers(value); err != nil {
		return nil, err
	}
	out, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func checkNumbers(value interface{}) error {
	switch typed := value.(type) {
	case json.Number:
		if _, err := typed.Int64(); err == nil {
			return nil
		}
		if _, err := typed.Float64(); err != nil {
			return fmt.Errorf("json: cannot unmarshal number %s into Go value of type float64", typed)
		}
	case map[string]interface{}:
		for _, item := range typed {
			if err := checkNumbers(item); err != nil {
				return err
			}
		}
	case []interface{}:
		for _, item := range typed {
			if err := checkNumbers(item); err != nil {
				return err
			}
		}
	}
	return nil
}

// lineReader is apimachinery's LineReader: one line per call, read with bufio.Reader.ReadLine
// (which drops a trailing "\n" or "\r\n" and hands long lines over in pieces, joined here),
// always returned with "\n" appended.
type lineReader struct {
	reader *bufio.Reader
}

func (r *lineReader) read() ([]byte, error) {
	var (
		isPrefix = true
		err      error
		line     []byte
		buffer   bytes.Buffer
	)
	for isPrefix && err == nil {
		line, isPrefix, err = r.reader.ReadLine()
		buffer.Write(line)
	}
	buffer.WriteByte('\n')
	return buffer.Bytes(), err
}

var separator = []byte("---")

// yamlLine matches go-yaml's error positions ("yaml: line N: ..." and "  line N: ..." in
// "yaml: unmarshal errors:"), which count from the start of the document chunk.
var yamlLine = regexp.MustCompile(`(?m)^(?:yaml: |  )line (\d+):`)

// readYAMLStream: apimachinery's YAMLReader splits the stream into chunks, each chunk goes through
// sigs.k8s.io/yaml's YAMLToJSON; the first error stops the file.
func readYAMLStream(data []byte, res *result) {
	lines := &lineReader{reader: bufio.NewReader(bytes.NewReader(data))}
	consumed := 0 // lines read so far
	for {
		var buffer bytes.Buffer
		chunkStart := 0
		eof := false
		for {
			line, err := lines.read()
			if err != nil && err != io.EOF {
				res.Errors = append(res.Errors, problem{Message: err.Error()})
				return
			}
			if bytes.HasPrefix(line, separator) {
				// Only white space or a comment may follow the separator.
				rest := strings.TrimSpace(string(line[len(separator):]))
				if len(rest) > 0 && rest[0] != '#' {
					res.Errors = append(res.Errors, problem{
						Line:    consumed + 1,
						Message: "invalid Yaml document separator: " + rest,
					})
					return
				}
				if buffer.Len() != 0 {
					consumed++ // the separator line ends this chunk and is not part of any chunk
					break
				}
				if err == io.EOF {
					return
				}
				// An empty buffer: the separator line itself starts the next chunk.
			}
			if err == io.EOF {
				eof = true
				break
			}
			if buffer.Len() == 0 {
				chunkStart = consumed + 1
			}
			buffer.Write(line)
			consumed++
		}
		if buffer.Len() != 0 && !convertChunk(buffer.Bytes(), chunkStart, res) {
			return
		}
		if eof {
			return
		}
	}
}

// convertChunk converts one chunk and records it; false when it failed (the file stops there).
func convertChunk(chunk []byte, chunkStart int, res *result) bool {
	out, err := yaml.YAMLToJSON(chunk)
	if err != nil {
		message := err.Error()
		p := problem{Message: message}
		if m := yamlLine.FindStringSubmatch(message); m != nil {
			if n, convErr := strconv.Atoi(m[1]); convErr == nil {
				p.Line = fileLine(chunk, chunkStart, n)
			}
		}
		res.Errors = append(res.Errors, p)
		return false
	}
	// kubectl's StreamVisitor: trimmed, and skipped when empty or null.
	out = bytes.TrimSpace(out)
	if len(out) == 0 || bytes.Equal(out, []byte("null")) {
		return true
	}
	if collision := keyCollision(chunk); collision != "" {
		res.Errors = append(res.Errors, problem{Line: chunkStart, Message: collision})
		return false
	}
	res.Documents = append(res.Documents, document{Line: chunkStart, Value: out})
	return true
}

// fileLine turns go-yaml's line n (counted from 1 at the chunk's start) into a line of the file.
// go-yaml counts every YAML 1.1 line break (LF, CR LF, a lone CR, U+0085, U+2028, U+2029); the file's
// lines are LF-terminated (CR LF became LF when the chunk was split). Lines past the end of the chunk
// (errors "at the end of the stream") are counted on from the chunk's last line.
func fileLine(chunk []byte, chunkStart int, n int) int {
	line := chunkStart
	breaks := 0
	for i := 0; i < len(chunk) && breaks < n-1; {
		r, size := utf8.DecodeRune(chunk[i:])
		switch {
		case r == '\r' && i+1 < len(chunk) && chunk[i+1] == '\n':
			size = 2
			breaks++
			line++
		case r == '\n':
			breaks++
			line++
		case r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			breaks++
		}
		i += size
	}
	return line + (n - 1 - breaks)
}

// keyCollision finds the one thing in which Kubernetes' reading is not a function of the text: two
// keys of one mapping that are different YAML values (1 and "1", true and "true", 1.0 and 1) become
// the same JSON key, and sigs.k8s.io/yaml keeps whichever its (randomised) Go map iteration visits
// last. Two equal values are harmless; different values make kubectl apply either at random, so the
// reference reports it as an error: a reader can only refuse such a file.
func keyCollision(chunk []byte) string {
	var value interface{}
	if err := goyaml.Unmarshal(chunk, &value); err != nil {
		return ""
	}
	return findCollision(value, "")
}

func findCollision(value interface{}, path string) string {
	switch typed := value.(type) {
	case map[interface{}]interface{}:
		// Go randomises map iteration: visit the keys in a fixed order, so the report is stable.
		type entry struct {
			name  string
			key   string
			value interface{}
		}
		entries := make([]entry, 0, len(typed))
		for key, item := range typed {
			if name, ok := jsonKey(key); ok {
				entries = append(entries, entry{name, describeKey(key), item})
			}
		}
		sort.Slice(entries, func(i, j int) bool {
			if entries[i].name != entries[j].name {
				return entries[i].name < entries[j].name
			}
			return entries[i].key < entries[j].key
		})
		for i, e := range entries {
			if i > 0 && entries[i-1].name == e.name {
				if !sameJSON(entries[i-1].value, e.value) {
					return fmt.Sprintf("nondeterministic: at %s the keys %s and %s both become %q with different values; "+
						"kubectl applies either, at random", pathOrRoot(path), entries[i-1].key, e.key, e.name)
				}
				continue
			}
			if found := findCollision(e.value, path+"."+e.name); found != "" {
				return found
			}
		}
	case []interface{}:
		for i, item := range typed {
			if found := findCollision(item, fmt.Sprintf("%s[%d]", path, i)); found != "" {
				return found
			}
		}
	}
	return ""
}

// sameJSON: whether two go-yaml values become the same JSON.
func sameJSON(a, b interface{}) bool {
	toJSON := func(v interface{}) ([]byte, bool) {
		text, err := goyaml.Marshal(v)
		if err != nil {
			return nil, false
		}
		out, err := yaml.YAMLToJSON(text)
		return out, err == nil
	}
	ja, okA := toJSON(a)
	jb, okB := toJSON(b)
	return okA && okB && bytes.Equal(ja, jb)
}

func describeKey(key interface{}) string {
	if text, ok := key.(string); ok {
		return strconv.Quote(text)
	}
	return fmt.Sprintf("%v (%T)", key, key)
}

func pathOrRoot(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}

// jsonKey is sigs.k8s.io/yaml's conversion of a go-yaml map key to a JSON object key.
func jsonKey(key interface{}) (string, bool) {
	switch typed := key.(type) {
	case string:
		return typed, true
	case int:
		return strconv.Itoa(typed), true
	case int64:
		return strconv.FormatInt(typed, 10), true
	case float64:
		s := strconv.FormatFloat(typed, 'g', -1, 32)
		switch s {
		case "+Inf":
			s = ".inf"
		case "-Inf":
			s = "-.inf"
		case "NaN":
			s = ".nan"
		}
		return s, true
	case bool:
		if typed {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "kube-reader: "+format+"\n", args...)
	os.Exit(2)
}

func main() {
	// Deep nesting is bounded by go-yaml (10000 levels); give the recursion room all the same.
	debug.SetMaxStack(1 << 30)
	args := os.Args[1:]
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)

	if len(args) == 1 && args[0] == "--batch" {
		var inputs []string
		if err := json.NewDecoder(bufio.NewReaderSize(os.Stdin, 1<<20)).Decode(&inputs); err != nil {
			fail("--batch: stdin must be a JSON array of base64 strings: %v", err)
		}
		results := make([]*result, len(inputs))
		for i, encoded := range inputs {
			input, err := base64.StdEncoding.DecodeString(encoded)
			if err != nil {
				fail("--batch: input %d is not base64: %v", i, err)
			}
			results[i] = read(input)
		}
		if err := encoder.Encode(results); err != nil {
			fail("writing the results: %v", err)
		}
		return
	}

	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fail("usage: kube-reader FILE... | kube-reader --batch")
	}
	files := make([]fileResult, 0, len(args))
	for _, path := range args {
		input, err := os.ReadFile(path)
		if err != nil {
			files = append(files, fileResult{File: path, result: result{
				Documents: []document{},
				Errors:    []problem{{Message: err.Error()}},
			}})
			continue
		}
		files = append(files, fileResult{File: path, result: *read(input)})
	}
	if err := encoder.Encode(map[string]interface{}{"files": files}); err != nil {
		fail("writing the results: %v", err)
	}
}
