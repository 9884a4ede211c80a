package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.iocert.certifier.cert.Keys;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The user-facing templates under {@code ci/github}, {@code ci/gitlab} and {@code ci/k8s}: every
 * YAML parses, and the scripts inside them are run with bash against a stand-in {@code iocert}
 * that records its arguments, so the command lines they build are parsed with the real
 * commands' options, and the gating, key handling and label publishing are checked as they
 * behave, not as they read.
 */
class TemplatesTest {
    private static final Path ROOT = repositoryRoot();
    private static final Path ACTION = ROOT.resolve("ci/github/action.yml");
    private static final Path GITLAB = ROOT.resolve("ci/gitlab/iocert.gitlab-ci.yml");
    private static final Path K8S = ROOT.resolve("ci/k8s");
    private static final String NFD_FEATURES_DIR = "/etc/kubernetes/node-feature-discovery/features.d";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*(.*?)\\s*}}");
    private static final Pattern INPUT_REF = Pattern.compile("\\binputs\\.([A-Za-z0-9_-]+)");
    private static final Pattern SHELL_VAR = Pattern.compile("\\$\\{?([A-Z][A-Z0-9_]*)");
    /** What bash and the container set for a script, not the manifest's env. */
    private static final Set<String> SHELL_PROVIDED = Set.of("PWD", "PATH", "HOME", "TMPDIR", "PPID");

    /**
     * {@code iocert} stand-in: writes its arguments NUL-separated to STUB_DIR/call-N, saves the
     * --sign key pair and the key file's mode, writes the files a run writes (unless the exit
     * code it is told to return means no verdict) and what export writes (refusing, as export
     * does, a missing input and an existing --out without --overwrite), then exits with
     * STUB_RUN_EXIT / STUB_EXPORT_EXIT.
     */
    private static final String STUB = """
            #!/usr/bin/env bash
            set -euo pipefail
            n=$(find "$STUB_DIR" -maxdepth 1 -name 'call-*' | wc -l)
            printf '%s\\0' "$@" > "$STUB_DIR/call-$n"
            out=""; sign=""; prev=""
            for a in "$@"; do
              case "$prev" in --out) out="$a" ;; --sign) sign="$a" ;; esac
              prev="$a"
            done
            case "${1:-}" in
              run)
                if [ -n "$sign" ]; then
                  stat -c %a "$sign" > "$STUB_DIR/sign-mode"
                  cp "$sign" "$STUB_DIR/signing.key"
                  cp "${sign%.key}.pub" "$STUB_DIR/signing.pub"
                fi
                code="${STUB_RUN_EXIT:-0}"
                case "$code" in
                  0|1|3)
                    mkdir -p "$out"
                    echo "stub markdown report, exit $code" > "$out/report.md"
                    for f in report.txt report.json report.xml report.csv result.json; do echo stub > "$out/$f"; done
                    if [ -n "$sign" ]; then echo '{}' > "$out/certificate.json"; fi ;;
                esac
                exit "$code" ;;
              export)
                for a in "$@"; do
                  case "$a" in *.json) [ -f "$a" ] || { echo "stub: no input $a" >&2; exit 2; } ;; esac
                done
                if [ -e "$out" ] && ! printf '%s\\n' "$@" | grep -qx -- --overwrite; then
                  echo "stub: $out already exists; iocert does not overwrite without --overwrite" >&2
                  exit 2
                fi
                printf 'stub.iocert/verdict=ELIGIBLE\\n' > "$out"
                exit "${STUB_EXPORT_EXIT:-0}" ;;
            esac
            """;

    /** Ends a DaemonSet's loop: records the interval, then sends the script the SIGTERM Kubernetes would. */
    private static final String SLEEP_STUB = """
            #!/usr/bin/env bash
            echo "$1" >> "$STUB_DIR/sleeps"
            kill -TERM "$PPID"
            """;

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- every template

    static Stream<Path> templates() throws IOException {
        List<Path> all = new ArrayList<>();
        for (String dir : List.of("ci/github", "ci/gitlab", "ci/k8s")) {
            try (Stream<Path> s = Files.walk(ROOT.resolve(dir))) {
                List<Path> found = s.filter(p ->
                                p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                        .sorted()
                        .toList();
                assertFalse(found.isEmpty(), "no YAML under " + dir);
                all.addAll(found);
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void shouldParseEveryTemplateAsYamlWithContent(Path file) throws Exception {
        List<JsonNode> docs = documents(file);
        assertFalse(docs.isEmpty(), file + " holds no YAML document");
        for (JsonNode d : docs) {
            assertTrue(d.isObject() && d.size() > 0, file + ": a document that is not a non-empty mapping: " + d);
        }
    }

    static Stream<Arguments> scripts() throws IOException {
        List<Arguments> all = new ArrayList<>();
        JsonNode action = document(ACTION);
        for (JsonNode step : action.path("runs").path("steps")) {
            if (step.has("run")) {
                all.add(Arguments.of(
                        "action.yml step '" + step.path("name").asText() + "'",
                        step.get("run").asText()));
            }
        }
        JsonNode gitlab = document(GITLAB);
        for (Iterator<Map.Entry<String, JsonNode>> it = gitlab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> job = it.next();
            for (String key : List.of("before_script", "script", "after_script")) {
                int i = 0;
                for (JsonNode line : job.getValue().path(key)) {
                    all.add(Arguments.of("gitlab " + job.getKey() + " " + key + "[" + i++ + "]", line.asText()));
                }
            }
        }
        for (JsonNode doc : k8sDocuments()) {
            for (JsonNode c : allContainers(doc)) {
                if (isBashC(c)) {
                    all.add(Arguments.of(
                            doc.path("kind").asText() + " container "
                                    + c.path("name").asText(),
                            c.path("args").get(0).asText()));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void shouldHaveShellScriptsThatBashAccepts(String where, String script) throws Exception {
        Path f = Files.writeString(tmp.resolve("script.sh"), script);
        Process p = new ProcessBuilder("bash", "-n", f.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash -n hung on " + where);
        assertEquals(0, p.exitValue(), where + " does not pass bash -n:\n" + out);
    }

    // ---------------------------------------------------------------- GitHub composite action

    @Test
    void actionShouldDeclareEveryInputItUsesAndUseEveryInputItDeclares() throws Exception {
        JsonNode action = document(ACTION);
        assertEquals("composite", action.path("runs").path("using").asText());
        Set<String> declared = new TreeSet<>();
        action.path("inputs").fieldNames().forEachRemaining(declared::add);
        assertTrue(
                declared.containsAll(
                        List.of("spec", "fs-path", "signing-key", "budget", "out-dir", "allow-inconclusive")),
                "inputs: " + declared);

        Set<String> used = new TreeSet<>();
        for (String expr : expressions(action)) {
            Matcher m = INPUT_REF.matcher(expr);
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        Set<String> undeclared = new TreeSet<>(used);
        undeclared.removeAll(declared);
        assertTrue(undeclared.isEmpty(), "expressions use inputs the action does not declare: " + undeclared);
        Set<String> unused = new TreeSet<>(declared);
        unused.removeAll(used);
        assertTrue(unused.isEmpty(), "inputs declared but never used: " + unused);
    }

    @Test
    void actionStepsShouldBeWhatACompositeActionAccepts() throws Exception {
        Set<String> ids = new TreeSet<>();
        for (JsonNode step : document(ACTION).path("runs").path("steps")) {
            String name = step.path("name").asText("(unnamed)");
            assertTrue(step.has("run") ^ step.has("uses"), name + ": a step has either run or uses");
            if (step.has("run")) {
                assertEquals("bash", step.path("shell").asText(), name + ": composite run steps must name their shell");
            } else {
                assertTrue(
                        step.path("uses").asText().matches("[\\w.-]+/[\\w.-]+@v\\d+"),
                        name + ": pin the action's major version");
            }
            if (step.has("id")) {
                assertTrue(ids.add(step.get("id").asText()), name + ": duplicate step id");
            }
        }
    }

    @Test
    void actionScriptsShouldTakeInputsOnlyThroughTheEnvironment() throws Exception {
        for (JsonNode step : document(ACTION).path("runs").path("steps")) {
            if (step.has("run")) {
                assertFalse(
                        step.get("run").asText().contains("${{"),
                        "step '" + step.path("name").asText()
                                + "' pastes an expression into its script; pass it through env: so it cannot inject shell code");
            }
        }
    }

    @Test
    void actionShouldRunIocertWithOptionsTheCliAcceptsAndRemoveTheKeyAfterwards() throws Exception {
        KeyPair pair = Keys.generate();
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("spec", "specs/job.yaml");
        inputs.put("fs-path", "/scratch/ci");
        inputs.put("budget", "30s");
        inputs.put("signing-key", Keys.privatePem(pair.getPrivate()));
        inputs.put("signing-public-key", Keys.publicPem(pair.getPublic()));
        ActionRun run = runAction(inputs, 0);

        assertEquals(0, run.runStep.code(), run.runStep.err());
        List<String> call = onlyCall("run");
        CommandLine line = parseAgainstCli(call);
        assertEquals("specs/job.yaml", line.getOptionValue("spec"));
        assertEquals("/scratch/ci", line.getOptionValue("fs-path"));
        assertEquals("30s", line.getOptionValue("budget"));
        Inputs.duration("--budget", line.getOptionValue("budget"));
        Signing.validity(line.getOptionValue("valid-for"));
        assertEquals(
                tmp.resolve("runner-temp/iocert-out").toString(),
                line.getOptionValue("out"),
                "the documented default out dir");
        assertEquals(line.getOptionValue("out"), run.outputs.get("out-dir"));
        assertEquals("ELIGIBLE", run.outputs.get("verdict"));
        assertEquals("0", run.outputs.get("exit-code"));

        Path key = Path.of(line.getOptionValue("sign"));
        assertEquals(
                "600", Files.readString(tmp.resolve("stub/sign-mode")).trim(), "the key file's mode while iocert ran");
        assertFalse(Files.exists(key), "the signing key is still on disk after the step: " + key);
        assertFalse(Files.exists(key.getParent()), "the key's directory is still on disk: " + key.getParent());
        assertKeyPairIocertReads(tmp.resolve("stub/signing.key"), tmp.resolve("stub/signing.pub"));

        String summary = Files.readString(tmp.resolve("summary.md"));
        assertTrue(
                summary.contains("stub markdown report, exit 0"), "report.md is not in the step summary: " + summary);
        assertEquals(0, run.gateStep.code(), run.gateStep.out() + run.gateStep.err());
    }

    @Test
    void actionShouldDerivePublicKeyWithOpensslInTheFormIocertReads() throws Exception {
        assumeTrue(onPath("openssl"), "openssl is not installed here");
        KeyPair pair = Keys.generate();
        ActionRun run = runAction(Map.of("signing-key", Keys.privatePem(pair.getPrivate())), 0);
        assertEquals(0, run.runStep.code(), run.runStep.err());
        assertKeyPairIocertReads(tmp.resolve("stub/signing.key"), tmp.resolve("stub/signing.pub"));
        assertEquals(
                Keys.id(pair.getPublic()),
                Keys.id(Keys.readPublic(Files.readString(tmp.resolve("stub/signing.pub")), "derived")));
    }

    @Test
    void actionShouldNotPassSigningOptionsWithoutAKey() throws Exception {
        ActionRun run = runAction(Map.of(), 0);
        assertEquals(0, run.runStep.code(), run.runStep.err());
        CommandLine line = parseAgainstCli(onlyCall("run"));
        assertFalse(
                line.hasOption("sign") || line.hasOption("valid-for") || line.hasOption("spec"),
                "options: " + Arrays.toString(line.getOptions()));
    }

    static Stream<Arguments> verdicts() {
        return Stream.of(
                Arguments.of(0, "false", "ELIGIBLE", true),
                Arguments.of(1, "false", "NOT_ELIGIBLE", false),
                Arguments.of(2, "false", "BAD_INPUT", false),
                Arguments.of(3, "false", "INCONCLUSIVE", false),
                Arguments.of(3, "true", "INCONCLUSIVE", true),
                Arguments.of(1, "true", "NOT_ELIGIBLE", false),
                Arguments.of(4, "true", "ERROR", false));
    }

    @ParameterizedTest(name = "iocert exit {0}, allow-inconclusive {1}: {2}")
    @MethodSource("verdicts")
    void actionShouldFailTheJobUnlessEligible(int exit, String allowInconclusive, String verdict, boolean passes)
            throws Exception {
        ActionRun run = runAction(Map.of("allow-inconclusive", allowInconclusive), exit);
        assertEquals(
                0,
                run.runStep.code(),
                "the run step itself succeeds so the upload and gate follow: " + run.runStep.err());
        assertEquals(verdict, run.outputs.get("verdict"));
        assertEquals(Integer.toString(exit), run.outputs.get("exit-code"));
        assertEquals(passes, run.gateStep.code() == 0, "gate step: " + run.gateStep.out() + run.gateStep.err());
        String summary = Files.readString(tmp.resolve("summary.md"));
        assertTrue(summary.contains(exit == 2 || exit == 4 ? "No report" : "stub markdown report"), summary);
    }

    @Test
    void actionShouldUploadJunitHtmlAndCertificateEvenWhenTheRunFails() throws Exception {
        JsonNode action = document(ACTION);
        JsonNode upload = null;
        int uploadIndex = -1;
        int gateIndex = -1;
        JsonNode steps = action.path("runs").path("steps");
        for (int i = 0; i < steps.size(); i++) {
            JsonNode s = steps.get(i);
            if (s.path("uses").asText().startsWith("actions/upload-artifact@")) {
                upload = s;
                uploadIndex = i;
            }
            if (s.path("run").asText().contains("IOCERT_ALLOW_INCONCLUSIVE")) {
                gateIndex = i;
            }
        }
        assertNotNull(upload, "no actions/upload-artifact step");
        assertTrue(upload.path("if").asText().contains("always()"), "the upload must run when an earlier step failed");
        assertTrue(gateIndex > uploadIndex, "the gate must come after the upload, or a failing gate skips it");
        String outDir = "${{ steps.run.outputs.out-dir }}";
        Set<String> paths = new LinkedHashSet<>(
                Arrays.asList(upload.path("with").path("path").asText().trim().split("\\s*\\n\\s*")));
        for (String file : List.of(
                RunCommand.reportFile(ReportFormat.JUNIT),
                RunCommand.reportFile(ReportFormat.HTML),
                Signing.CERTIFICATE_FILE)) {
            assertTrue(paths.contains(outDir + "/" + file), "upload does not include " + file + ": " + paths);
        }
        // The step the paths and outputs name exists and writes those outputs (runAction checks the writing).
        assertTrue(hasStep(action, "run"));
        for (Iterator<Map.Entry<String, JsonNode>> it = action.path("outputs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> o = it.next();
            assertEquals(
                    "${{ steps.run.outputs." + o.getKey() + " }}",
                    o.getValue().path("value").asText(),
                    o.getKey());
        }
        ActionRun run = runAction(Map.of(), 1);
        for (String output : List.of("verdict", "out-dir", "exit-code")) {
            assertTrue(
                    run.outputs.containsKey(output), "the run step never writes output " + output + ": " + run.outputs);
        }
        assertTrue(
                action.path("outputs").has("verdict") && action.path("outputs").has("out-dir"));
    }

    private record ActionRun(Exec runStep, Map<String, String> outputs, Exec gateStep) {}

    /** Runs the action's run step and gate step as a runner would, with iocert exiting {@code iocertExit}. */
    private ActionRun runAction(Map<String, String> given, int iocertExit) throws Exception {
        JsonNode action = document(ACTION);
        Map<String, String> inputs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = action.path("inputs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            inputs.put(e.getKey(), e.getValue().path("default").asText(""));
        }
        for (String k : given.keySet()) {
            assertTrue(inputs.containsKey(k), "test passes an input the action does not declare: " + k);
        }
        inputs.putAll(given);
        Path actionPath = Files.createDirectories(tmp.resolve("action/ci/github"));
        Path stubDir = stubs(tmp.resolve("action/iocert"));
        Files.createDirectories(tmp.resolve("runner-temp"));
        Path workspace = Files.createDirectories(tmp.resolve("workspace"));
        Path outputFile = Files.createFile(tmp.resolve("github-output"));
        Files.deleteIfExists(tmp.resolve("summary.md"));
        Files.createFile(tmp.resolve("summary.md"));

        Map<String, String> runner = new LinkedHashMap<>();
        runner.put("GITHUB_OUTPUT", outputFile.toString());
        runner.put("GITHUB_STEP_SUMMARY", tmp.resolve("summary.md").toString());
        runner.put("RUNNER_TEMP", tmp.resolve("runner-temp").toString());
        runner.put("STUB_DIR", stubDir.toString());
        runner.put("STUB_RUN_EXIT", Integer.toString(iocertExit));

        JsonNode runStep = step(action, "run");
        Map<String, String> env = new LinkedHashMap<>(runner);
        env.putAll(renderEnv(runStep, inputs, actionPath, Map.of()));
        Exec ran = exec(List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", script(runStep)), env, workspace);
        Map<String, String> outputs = new LinkedHashMap<>();
        for (String l : Files.readAllLines(outputFile)) {
            int eq = l.indexOf('=');
            if (eq > 0) {
                outputs.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        JsonNode gate = null;
        for (JsonNode s : action.path("runs").path("steps")) {
            if (s.path("run").asText().contains("IOCERT_ALLOW_INCONCLUSIVE")) {
                gate = s;
            }
        }
        assertNotNull(gate, "no gate step");
        Map<String, String> gateEnv = new LinkedHashMap<>(runner);
        gateEnv.putAll(renderEnv(gate, inputs, actionPath, outputs));
        Exec gated =
                exec(List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", script(gate)), gateEnv, workspace);
        return new ActionRun(ran, outputs, gated);
    }

    private String script(JsonNode step) throws IOException {
        Path f = tmp.resolve("step-" + step.path("name").asText().replaceAll("[^A-Za-z0-9]", "_") + ".sh");
        Files.writeString(f, step.path("run").asText());
        return f.toString();
    }

    /** A step's env with ${{ }} rendered as the runner would; an expression this test cannot render fails it. */
    private static Map<String, String> renderEnv(
            JsonNode step, Map<String, String> inputs, Path actionPath, Map<String, String> runOutputs) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = step.path("env").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Matcher m = EXPRESSION.matcher(e.getValue().asText());
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String expr = m.group(1);
                String value;
                if (expr.startsWith("inputs.")) {
                    value = inputs.get(expr.substring("inputs.".length()));
                } else if (expr.equals("github.action_path")) {
                    value = actionPath.toString();
                } else if (expr.startsWith("steps.run.outputs.")) {
                    value = runOutputs.get(expr.substring("steps.run.outputs.".length()));
                } else {
                    value = null;
                }
                assertNotNull(value, "env " + e.getKey() + ": cannot render ${{ " + expr + " }}");
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            env.put(e.getKey(), sb.toString());
        }
        return env;
    }

    /** Every ${{ }} expression in the action, plus each step's `if:`, which is an expression without the braces. */
    private static List<String> expressions(JsonNode node) {
        List<String> out = new ArrayList<>();
        collectExpressions(node, null, out);
        return out;
    }

    private static void collectExpressions(JsonNode node, String key, List<String> out) {
        if (node.isTextual()) {
            Matcher m = EXPRESSION.matcher(node.asText());
            while (m.find()) {
                out.add(m.group(1));
            }
            if ("if".equals(key)) {
                out.add(node.asText());
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> collectExpressions(e.getValue(), e.getKey(), out));
        } else if (node.isArray()) {
            node.forEach(n -> collectExpressions(n, null, out));
        }
    }

    private static JsonNode step(JsonNode action, String id) {
        for (JsonNode s : action.path("runs").path("steps")) {
            if (id.equals(s.path("id").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step with id " + id);
    }

    private static boolean hasStep(JsonNode action, String id) {
        for (JsonNode s : action.path("runs").path("steps")) {
            if (id.equals(s.path("id").asText())) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- GitLab template

    @Test
    void gitlabTemplateShouldOfferAHiddenJobWithJunitArtifactsAlwaysUploaded() throws Exception {
        JsonNode job = document(GITLAB).path(".iocert");
        assertTrue(job.isObject(), "no hidden job .iocert");
        Set<String> variables = new TreeSet<>();
        job.path("variables").fieldNames().forEachRemaining(variables::add);
        assertTrue(
                variables.containsAll(List.of("IOCERT_SPEC", "IOCERT_FS_PATH", "IOCERT_SIGNING_KEY")),
                "variables: " + variables);

        JsonNode artifacts = job.path("artifacts");
        assertEquals("always", artifacts.path("when").asText());
        assertEquals(
                "$IOCERT_OUT/" + RunCommand.reportFile(ReportFormat.JUNIT),
                artifacts.path("reports").path("junit").asText(),
                "reports:junit must name the JUnit file 'iocert run' writes into IOCERT_OUT");
        List<String> paths = new ArrayList<>();
        artifacts.path("paths").forEach(p -> paths.add(p.asText()));
        assertTrue(paths.contains("$IOCERT_OUT/"), "artifacts:paths " + paths);

        String script = String.join("\n", texts(job.path("script")));
        Set<String> referenced = new TreeSet<>();
        Matcher m = SHELL_VAR.matcher(script + "\n" + YAML.writeValueAsString(artifacts));
        while (m.find()) {
            if (m.group(1).startsWith("IOCERT_")) {
                referenced.add(m.group(1));
            }
        }
        Set<String> undeclared = new TreeSet<>(referenced);
        undeclared.removeAll(variables);
        assertTrue(undeclared.isEmpty(), "used but not declared in variables: " + undeclared);
        Set<String> unused = new TreeSet<>(variables);
        unused.removeAll(referenced);
        assertTrue(unused.isEmpty(), "declared but never used: " + unused);
    }

    @Test
    void gitlabTemplateShouldUseOnlyJobKeywords() throws Exception {
        // The job keywords of GitLab CI this template may use; a misspelt one would be taken for a job.
        Set<String> keywords = Set.of(
                "stage",
                "variables",
                "before_script",
                "script",
                "after_script",
                "artifacts",
                "image",
                "tags",
                "rules",
                "allow_failure",
                "timeout",
                "retry",
                "interruptible",
                "needs",
                "cache");
        JsonNode gitlab = document(GITLAB);
        for (Iterator<Map.Entry<String, JsonNode>> it = gitlab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> job = it.next();
            assertTrue(
                    job.getKey().startsWith("."),
                    job.getKey() + ": an includeable template defines hidden jobs only,"
                            + " or every pipeline that includes it gets the job");
            job.getValue()
                    .fieldNames()
                    .forEachRemaining(k -> assertTrue(keywords.contains(k), job.getKey() + ": unknown keyword " + k));
        }
        Set<String> artifactKeys = new TreeSet<>();
        gitlab.path(".iocert").path("artifacts").fieldNames().forEachRemaining(artifactKeys::add);
        assertTrue(
                Set.of("when", "expire_in", "paths", "reports", "name").containsAll(artifactKeys),
                "artifacts: " + artifactKeys);
    }

    @Test
    void gitlabTemplateShouldRunIocertWithOptionsTheCliAcceptsFromAFileVariableKey() throws Exception {
        KeyPair pair = Keys.generate();
        Path keyVar = Files.writeString(tmp.resolve("IOCERT_SIGNING_KEY"), Keys.privatePem(pair.getPrivate()));
        Exec run = runGitlab(
                Map.of(
                        "IOCERT_SPEC",
                        "job.yaml",
                        "IOCERT_FS_PATH",
                        "/scratch",
                        "IOCERT_BUDGET",
                        "45s",
                        "IOCERT_SIGNING_KEY",
                        keyVar.toString(),
                        "IOCERT_SIGNING_PUBLIC_KEY",
                        Keys.publicPem(pair.getPublic())),
                0);
        assertEquals(0, run.code(), run.err());
        CommandLine line = parseAgainstCli(onlyCall("run"));
        assertEquals("job.yaml", line.getOptionValue("spec"));
        assertEquals("/scratch", line.getOptionValue("fs-path"));
        assertEquals("iocert-out", line.getOptionValue("out"), "the out dir the artifacts collect");
        Inputs.duration("--budget", line.getOptionValue("budget"));
        Signing.validity(line.getOptionValue("valid-for"));
        assertEquals("600", Files.readString(tmp.resolve("stub/sign-mode")).trim());
        assertFalse(Files.exists(Path.of(line.getOptionValue("sign"))), "the key copy outlived the job script");
        assertKeyPairIocertReads(tmp.resolve("stub/signing.key"), tmp.resolve("stub/signing.pub"));
    }

    @ParameterizedTest(name = "iocert exit {0}, allow inconclusive {1}: job exit {3}")
    @MethodSource("gitlabVerdicts")
    void gitlabTemplateShouldFailTheJobUnlessEligible(int exit, String allowInconclusive, String verdict, int jobExit)
            throws Exception {
        Exec run = runGitlab(Map.of("IOCERT_ALLOW_INCONCLUSIVE", allowInconclusive), exit);
        assertEquals(jobExit, run.code(), run.out() + run.err());
        String dotenv = Files.readString(tmp.resolve("project/iocert.env"));
        assertTrue(dotenv.contains("IOCERT_VERDICT=" + verdict + "\n"), dotenv);
        assertTrue(dotenv.contains("IOCERT_EXIT_CODE=" + exit + "\n"), dotenv);
    }

    static Stream<Arguments> gitlabVerdicts() {
        return Stream.of(
                Arguments.of(0, "false", "ELIGIBLE", 0),
                Arguments.of(1, "false", "NOT_ELIGIBLE", 1),
                Arguments.of(2, "false", "BAD_INPUT", 2),
                Arguments.of(3, "false", "INCONCLUSIVE", 3),
                Arguments.of(3, "true", "INCONCLUSIVE", 0),
                Arguments.of(4, "true", "ERROR", 4));
    }

    /** The .iocert script with its variables (defaults, then {@code given}), as a shell runner runs it. */
    private Exec runGitlab(Map<String, String> given, int iocertExit) throws Exception {
        JsonNode job = document(GITLAB).path(".iocert");
        Path stubDir = stubs(tmp.resolve("bin/iocert"));
        Path project = Files.createDirectories(tmp.resolve("project"));
        Map<String, String> env = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = job.path("variables").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            env.put(e.getKey(), e.getValue().asText());
        }
        for (String k : given.keySet()) {
            assertTrue(env.containsKey(k), "test sets a variable the template does not declare: " + k);
        }
        env.putAll(given);
        env.put("IOCERT_CMD", tmp.resolve("bin/iocert").toString());
        env.put("STUB_DIR", stubDir.toString());
        env.put("STUB_RUN_EXIT", Integer.toString(iocertExit));
        env.put("TMPDIR", Files.createDirectories(tmp.resolve("gitlab-tmp")).toString());
        Path script = Files.writeString(tmp.resolve("gitlab-script.sh"), String.join("\n", texts(job.path("script"))));
        return exec(List.of("bash", script.toString()), env, project);
    }

    // ---------------------------------------------------------------- Kubernetes

    @Test
    void configMapSpecShouldValidateWithTheSpecLoader() throws Exception {
        JsonNode cm = k8s("ConfigMap", "iocert-spec");
        JsonNode data = cm.path("data");
        assertTrue(data.size() > 0, "the ConfigMap holds no spec");
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertFalse(SpecLoader.parse(e.getValue().asText(), "ci/k8s iocert-spec " + e.getKey())
                    .requirements()
                    .isEmpty());
        }
    }

    @Test
    void daemonSetShouldMountNfdFeaturesFromTheHostAndExportAVerifiedCertificateUnderIt() throws Exception {
        JsonNode ds = k8s("DaemonSet", "iocert");
        JsonNode container = container(ds, "iocert");
        String featuresMount = hostPathMount(ds, container, NFD_FEATURES_DIR);
        assertNotNull(featuresMount, "the iocert container does not mount the host's " + NFD_FEATURES_DIR);
        Path features = Files.createDirectories(tmp.resolve("root").resolve(featuresMount.substring(1)));
        Files.writeString(features.resolve("iocert"), "# the previous round's labels\n");

        Path keyDir = Files.createDirectories(tmp.resolve("root/etc/iocert/key"));
        KeyPair pair = Keys.generate();
        Files.writeString(keyDir.resolve("signing.key"), Keys.privatePem(pair.getPrivate()));
        Files.writeString(keyDir.resolve("signing.pub"), Keys.publicPem(pair.getPublic()));
        ContainerRun run = runContainer(ds, container, Map.of("STUB_RUN_EXIT", "1"));
        assertEquals(0, run.exec.code(), "the loop should end cleanly on SIGTERM: " + run.exec.out() + run.exec.err());
        assertEquals(List.of("21600"), Files.readAllLines(tmp.resolve("stub/sleeps")), "one round, then the interval");

        CommandLine runLine = call(run, "run");
        assertRunUsesMountedSpecAndScratch(ds, container, runLine);
        String sign = runLine.getOptionValue("sign");
        assertNotNull(sign, "a mounted signing key is used");
        Signing.validity(runLine.getOptionValue("valid-for"));
        assertEquals("signing-key", mountFor(container, sign).path("name").asText());
        assertEquals(
                "iocert-signing-key",
                volume(ds, "signing-key").path("secret").path("secretName").asText());

        CommandLine export = call(run, "export");
        assertEquals("nfd", export.getOptionValue("to"));
        assertEquals(
                List.of(runLine.getOptionValue("out") + "/" + Signing.CERTIFICATE_FILE),
                export.getArgList(),
                "a signed run exports its certificate (it carries the expiry)");
        assertEquals(
                Signing.publicKeyFile(Path.of(sign)).toString(),
                export.getOptionValue("key"),
                "the certificate is verified with the public key beside the signing key");
        assertPublishesUnderFeaturesDir(export, featuresMount);
        assertTrue(
                Files.readString(features.resolve("iocert")).contains("stub.iocert/verdict"),
                "the labels were not replaced");
        try (Stream<Path> s = Files.list(features)) {
            assertEquals(
                    List.of("iocert"),
                    s.map(p -> p.getFileName().toString()).toList(),
                    "features.d holds the labels only");
        }
    }

    @Test
    void daemonSetShouldExportAnUnsignedReportWithAnExpiry() throws Exception {
        JsonNode ds = k8s("DaemonSet", "iocert");
        JsonNode container = container(ds, "iocert");
        String featuresMount = hostPathMount(ds, container, NFD_FEATURES_DIR);
        ContainerRun run = runContainer(ds, container, Map.of("STUB_RUN_EXIT", "0"));
        assertEquals(0, run.exec.code(), run.exec.err());
        CommandLine runLine = call(run, "run");
        assertFalse(runLine.hasOption("sign") || runLine.hasOption("valid-for"), "no key mounted, no signing");
        CommandLine export = call(run, "export");
        assertEquals(List.of(runLine.getOptionValue("out") + "/" + RunCommand.REPORT_FILE), export.getArgList());
        String expires = export.getOptionValue("expires-in");
        assertNotNull(expires, "labels from a report must expire, or they outlive a stopped DaemonSet");
        Signing.validity(expires);
        assertPublishesUnderFeaturesDir(export, featuresMount);
        assertTrue(Files.exists(
                tmp.resolve("root").resolve(featuresMount.substring(1)).resolve("iocert")));
    }

    private static void assertPublishesUnderFeaturesDir(CommandLine export, String featuresMount) {
        String out = export.getOptionValue("out");
        assertNotNull(out, "export without --out prints to the pod log, not to NFD");
        Path file = Path.of(out);
        assertEquals(Path.of(featuresMount), file.getParent(), "export --out " + out + " is not in " + featuresMount);
        assertFalse(file.getFileName().toString().startsWith("."), "NFD skips hidden files: " + out);
        assertTrue(export.hasOption("overwrite"), "a periodic export must replace the previous round's file");
        assertEquals(
                "node-1",
                export.getOptionValue("node-name"),
                "the labels' file names the Kubernetes node (spec.nodeName)");
    }

    private static CommandLine call(ContainerRun run, String command) {
        List<List<String>> calls =
                run.calls.stream().filter(c -> c.get(0).equals(command)).toList();
        assertEquals(
                1, calls.size(), "'iocert " + command + "' calls in one round: " + run.calls + "\n" + run.exec.err());
        return parseAgainstCli(calls.get(0));
    }

    @Test
    void daemonSetShouldWithdrawLabelsWhenARunLeavesNoReportAndKeepOnlyRecentResults() throws Exception {
        JsonNode ds = k8s("DaemonSet", "iocert");
        JsonNode container = container(ds, "iocert");
        String featuresMount = hostPathMount(ds, container, NFD_FEATURES_DIR);
        Path features = Files.createDirectories(tmp.resolve("root").resolve(featuresMount.substring(1)));
        Files.writeString(features.resolve("iocert"), "stale=true\n");
        int keep = Integer.parseInt(envValue(container, "IOCERT_KEEP"));
        Path results = Files.createDirectories(tmp.resolve("root")
                .resolve(envValue(container, "IOCERT_RESULTS").substring(1)));
        for (int i = 0; i < keep + 5; i++) {
            Files.createDirectories(results.resolve(String.format(Locale.ROOT, "20200101T0000%02dZ", i)));
        }
        ContainerRun run = runContainer(ds, container, Map.of("STUB_RUN_EXIT", "4"));
        assertEquals(0, run.exec.code(), run.exec.err());
        assertFalse(Files.exists(features.resolve("iocert")), "a stale verdict is still published after a failed run");
        assertTrue(run.calls.stream().noneMatch(c -> c.get(0).equals("export")), "nothing to export: " + run.calls);
        CommandLine runLine = parseAgainstCli(run.calls.get(0));
        assertFalse(runLine.hasOption("sign"), "no key mounted, no --sign");
        try (Stream<Path> s = Files.list(results)) {
            assertEquals(keep, s.count(), "results kept on the node");
        }
        assertFalse(Files.exists(results.resolve("20200101T000000Z")), "the oldest run should have gone");
    }

    @Test
    void jobShouldProbeOnceIntoTheResultsVolumeWithOptionsTheCliAccepts() throws Exception {
        JsonNode job = k8s("Job", "iocert-probe");
        JsonNode container = container(job, "iocert");
        assertEquals("Never", podSpec(job).path("restartPolicy").asText());
        assertEquals(
                0, job.path("spec").path("backoffLimit").asInt(-1), "a retry would only measure the same node again");
        ContainerRun run = runContainer(job, container, Map.of("STUB_RUN_EXIT", "0"));
        assertEquals(0, run.exec.code(), "the pod's exit code is iocert's: " + run.exec.err());
        assertEquals(1, run.calls.size(), "one probe: " + run.calls);
        CommandLine line = parseAgainstCli(run.calls.get(0));
        assertRunUsesMountedSpecAndScratch(job, container, line);
        String out = line.getOptionValue("out");
        JsonNode resultsVolume =
                volume(job, mountFor(container, out).path("name").asText());
        assertEquals(
                "iocert-results",
                resultsVolume.path("persistentVolumeClaim").path("claimName").asText(),
                "--out " + out + " is not on the results volume");
        assertTrue(
                k8sDocuments().stream()
                        .anyMatch(d -> d.path("kind").asText().equals("PersistentVolumeClaim")
                                && d.path("metadata").path("name").asText().equals("iocert-results")),
                "no PVC iocert-results");

        assertEquals(
                3,
                runContainer(job, container, Map.of("STUB_RUN_EXIT", "3")).exec.code(),
                "exit code passed through");
    }

    @Test
    void podsShouldRunAsTheImageUserWithoutPrivilegesExceptTheChownInit() throws Exception {
        String uid = dockerfileUser();
        for (JsonNode doc : k8sDocuments()) {
            if (!doc.path("spec").path("template").path("spec").isObject()) {
                continue;
            }
            JsonNode pod = podSpec(doc);
            String where = doc.path("kind").asText() + " "
                    + doc.path("metadata").path("name").asText();
            assertEquals(
                    uid,
                    pod.path("securityContext").path("runAsUser").asText(),
                    where + ": runAsUser differs from the image's USER");
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), where);
            for (JsonNode c : pod.path("containers")) {
                JsonNode sc = c.path("securityContext");
                String name = where + " container " + c.path("name").asText();
                assertFalse(sc.path("privileged").asBoolean(false), name);
                assertFalse(
                        sc.path("allowPrivilegeEscalation").asBoolean(true),
                        name + " must set allowPrivilegeEscalation: false");
                assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), name);
                assertEquals("[\"ALL\"]", sc.path("capabilities").path("drop").toString(), name);
                assertTrue(sc.path("capabilities").path("add").isMissingNode(), name + " adds capabilities");
                assertTrue(
                        c.path("resources").path("requests").has("cpu")
                                && c.path("resources").path("requests").has("memory"),
                        name + " has no resource requests");
                assertFalse(
                        c.path("resources").path("limits").has("cpu"),
                        name + ": a CPU limit throttles and spoils the jitter probe");
                // A read-only root: the JVM (hsperfdata), JMH's forks (java.io.tmpdir) and the working directory need
                // writable mounts.
                for (String dir : List.of("/tmp", c.path("workingDir").asText("/"))) {
                    assertFalse(
                            dir.equals("/") || mountFor(c, dir).path("readOnly").asBoolean(false),
                            name + ": " + dir + " is not on a writable mount");
                }
            }
            for (JsonNode c : pod.path("initContainers")) {
                JsonNode sc = c.path("securityContext");
                String name = where + " init container " + c.path("name").asText();
                assertFalse(sc.path("privileged").asBoolean(false), name);
                assertEquals("[\"ALL\"]", sc.path("capabilities").path("drop").toString(), name);
                assertEquals(
                        "[\"CHOWN\"]",
                        sc.path("capabilities").path("add").toString(),
                        name + " needs CHOWN and nothing else");
                String script = c.path("args").get(0).asText();
                Matcher m = Pattern.compile("\\bch(?:own|grp) ([0-9]+)").matcher(script);
                int found = 0;
                while (m.find()) {
                    assertEquals(uid, m.group(1), name + " hands the directories to another uid than the image's");
                    found++;
                }
                assertTrue(found > 0, name + " changes no ownership");
                assertTrue(c.path("resources").path("requests").size() > 0, name + " has no resource requests");
            }
        }
    }

    @Test
    void dockerfileShouldCopyTheJarTheShadePluginBuildsAndEveryModule() throws Exception {
        List<String> lines = dockerfile();
        String finalName = xpath(
                ROOT.resolve("cli/pom.xml"), "//plugin[artifactId='maven-shade-plugin']//configuration/finalName");
        assertFalse(finalName.isBlank(), "cli/pom.xml sets no shade finalName");
        String copied = null;
        String installed = null;
        for (String l : lines) {
            String[] w = l.trim().split("\\s+");
            if (w[0].equals("COPY") && w.length == 4 && w[1].equals("--from=build")) {
                copied = w[2];
                installed = w[3];
            }
        }
        assertNotNull(copied, "no COPY --from=build of the jar");
        String buildWorkdir = buildStageWorkdir(lines);
        assertEquals(buildWorkdir + "/cli/target/" + finalName + ".jar", copied, "the jar the shade plugin writes");
        String text = String.join("\n", lines);
        assertTrue(text.contains("-jar " + installed), "the iocert command does not run the copied jar " + installed);

        Document pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(ROOT.resolve("pom.xml").toFile());
        // The modules every build makes; a profile's (certifier-simulations, test sources only) is
        // left out of the image's build, which skips tests.
        NodeList modules = (NodeList)
                XPathFactory.newInstance().newXPath().evaluate("/project/modules/module", pom, XPathConstants.NODESET);
        assertTrue(modules.getLength() > 0);
        for (int i = 0; i < modules.getLength(); i++) {
            String module = modules.item(i).getTextContent().trim();
            assertTrue(
                    lines.stream().anyMatch(l -> l.matches("COPY " + Pattern.quote(module) + "/ .*")),
                    "the Dockerfile does not copy module " + module + " into the build");
        }
        String defaultSpec = "examples/specs/";
        assertTrue(
                Files.readString(ROOT.resolve("cli/pom.xml")).contains("../examples/specs"),
                "cli still bundles from examples/specs");
        assertTrue(
                lines.stream().anyMatch(l -> l.startsWith("COPY " + defaultSpec)),
                "the bundled default spec is not copied");
    }

    @Test
    void kustomizationShouldListFilesThatExist() throws Exception {
        JsonNode k = document(K8S.resolve("kustomization.yaml"));
        assertTrue(k.path("resources").size() > 0);
        for (JsonNode r : k.path("resources")) {
            assertTrue(
                    Files.isRegularFile(K8S.resolve(r.asText())), "kustomization names a missing file: " + r.asText());
        }
    }

    private record ContainerRun(Exec exec, List<List<String>> calls, Path root) {}

    /**
     * Runs a container's {@code bash -c} script with its env, every absolute path in it moved
     * under tmp/root (the mounts are created there, the ConfigMap's files placed in them), and
     * the recorded iocert arguments moved back to the paths the container would see.
     */
    private ContainerRun runContainer(JsonNode workload, JsonNode container, Map<String, String> extra)
            throws Exception {
        assertTrue(isBashC(container), "container " + container.path("name").asText() + " is not bash -c SCRIPT");
        String script = container.path("args").get(0).asText();
        for (JsonNode m : container.path("volumeMounts")) {
            assertFalse(
                    script.contains(m.path("mountPath").asText()),
                    "the script names " + m.path("mountPath").asText()
                            + " itself; paths must come from env so they stay consistent with the mounts");
        }
        Path root = Files.createDirectories(tmp.resolve("root"));
        for (JsonNode m : container.path("volumeMounts")) {
            Path dir = Files.createDirectories(
                    root.resolve(m.path("mountPath").asText().substring(1)));
            JsonNode v = volume(workload, m.path("name").asText());
            if (v.has("configMap")) {
                JsonNode cm = k8s("ConfigMap", v.path("configMap").path("name").asText());
                for (Iterator<Map.Entry<String, JsonNode>> it = cm.path("data").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    Files.writeString(dir.resolve(e.getKey()), e.getValue().asText());
                }
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asText();
            if (e.has("valueFrom")) {
                env.put(name, "node-1");
            } else {
                String value = e.path("value").asText();
                env.put(name, value.startsWith("/") ? root + value : value);
            }
        }
        Matcher vars = SHELL_VAR.matcher(script);
        while (vars.find()) {
            String v = vars.group(1);
            assertTrue(
                    env.containsKey(v) || SHELL_PROVIDED.contains(v),
                    "the script uses $" + v + ", which its env does not set");
        }
        Path stubDir = stubs(tmp.resolve("bin/iocert"));
        Files.writeString(tmp.resolve("bin/sleep"), SLEEP_STUB);
        Files.setPosixFilePermissions(tmp.resolve("bin/sleep"), PosixFilePermissions.fromString("rwxr-xr-x"));
        env.put("STUB_DIR", stubDir.toString());
        env.putAll(extra);
        try (Stream<Path> old = Files.list(stubDir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        Exec exec = exec(List.of("bash", "-c", script), env, root);
        List<List<String>> calls = new ArrayList<>();
        for (List<String> c : calls()) {
            calls.add(c.stream()
                    .map(a -> a.startsWith(root.toString())
                            ? a.substring(root.toString().length())
                            : a)
                    .toList());
        }
        return new ContainerRun(exec, calls, root);
    }

    private static void assertRunUsesMountedSpecAndScratch(JsonNode workload, JsonNode container, CommandLine line)
            throws Exception {
        String spec = line.getOptionValue("spec");
        assertNotNull(spec, "run without --spec would certify against the bundled default");
        JsonNode specMount = mountFor(container, spec);
        JsonNode specVolume = volume(workload, specMount.path("name").asText());
        String cmName = specVolume.path("configMap").path("name").asText();
        assertFalse(cmName.isEmpty(), "--spec " + spec + " is not on a ConfigMap volume");
        String key = spec.substring(specMount.path("mountPath").asText().length() + 1);
        String text = k8s("ConfigMap", cmName).path("data").path(key).asText(null);
        assertNotNull(text, "ConfigMap " + cmName + " has no key " + key);
        SpecLoader.parse(text, cmName + "/" + key);

        String fsPath = line.getOptionValue("fs-path");
        JsonNode scratch = mountFor(container, fsPath);
        assertEquals(
                fsPath, scratch.path("mountPath").asText(), "--fs-path should be the mounted host directory itself");
        assertTrue(
                volume(workload, scratch.path("name").asText()).has("hostPath"),
                "--fs-path is not the node's own disk");

        JsonNode outMount = mountFor(container, line.getOptionValue("out"));
        assertFalse(outMount.path("readOnly").asBoolean(false), "--out is on a read-only mount");
        assertFalse(
                volume(workload, outMount.path("name").asText()).has("emptyDir"),
                "results on an emptyDir die with the pod");
    }

    /** The container's mount of the host directory {@code hostDir}, checked to be a hostPath volume; null if none. */
    private static String hostPathMount(JsonNode workload, JsonNode container, String hostDir) {
        for (JsonNode m : container.path("volumeMounts")) {
            JsonNode v = volume(workload, m.path("name").asText());
            if (hostDir.equals(v.path("hostPath").path("path").asText())) {
                assertFalse(m.path("readOnly").asBoolean(false), hostDir + " is mounted read-only");
                return m.path("mountPath").asText();
            }
        }
        return null;
    }

    /** The mount {@code path} lies under (the longest match); fails when none does. */
    private static JsonNode mountFor(JsonNode container, String path) {
        JsonNode best = null;
        for (JsonNode m : container.path("volumeMounts")) {
            String mp = m.path("mountPath").asText();
            if ((path.equals(mp) || path.startsWith(mp + "/"))
                    && (best == null
                            || mp.length() > best.path("mountPath").asText().length())) {
                best = m;
            }
        }
        assertNotNull(
                best,
                path + " is on no volume mount of container "
                        + container.path("name").asText());
        return best;
    }

    private static JsonNode volume(JsonNode workload, String name) {
        for (JsonNode v : podSpec(workload).path("volumes")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    private static JsonNode container(JsonNode workload, String name) {
        for (JsonNode c : podSpec(workload).path("containers")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no container " + name);
    }

    private static String envValue(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return e.path("value").asText();
            }
        }
        throw new AssertionError("no env " + name);
    }

    private static List<JsonNode> allContainers(JsonNode doc) {
        List<JsonNode> out = new ArrayList<>();
        podSpec(doc).path("initContainers").forEach(out::add);
        podSpec(doc).path("containers").forEach(out::add);
        return out;
    }

    private static boolean isBashC(JsonNode c) {
        return c.path("command").toString().equals("[\"bash\",\"-c\"]")
                && c.path("args").size() == 1;
    }

    private static JsonNode k8s(String kind, String name) throws IOException {
        for (JsonNode d : k8sDocuments()) {
            if (kind.equals(d.path("kind").asText())
                    && name.equals(d.path("metadata").path("name").asText())) {
                return d;
            }
        }
        throw new AssertionError("no " + kind + " " + name + " under ci/k8s");
    }

    private static List<JsonNode> k8sDocuments() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(K8S)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                out.addAll(documents(p));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- Dockerfile and pom

    private static List<String> dockerfile() throws IOException {
        List<String> joined = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String l : Files.readAllLines(K8S.resolve("Dockerfile"))) {
            if (cur.length() == 0 && (l.isBlank() || l.trim().startsWith("#"))) {
                continue;
            }
            if (l.endsWith("\\")) {
                cur.append(l, 0, l.length() - 1).append(' ');
            } else {
                joined.add(cur.append(l).toString().trim());
                cur.setLength(0);
            }
        }
        return joined;
    }

    private static String buildStageWorkdir(List<String> lines) {
        boolean inBuild = false;
        for (String l : lines) {
            if (l.startsWith("FROM ")) {
                inBuild = l.matches("FROM \\S+ (?i:as) build");
            } else if (inBuild && l.startsWith("WORKDIR ")) {
                return l.substring("WORKDIR ".length()).trim();
            }
        }
        throw new AssertionError("no WORKDIR in a stage named build");
    }

    private static String dockerfileUser() throws IOException {
        String user = null;
        for (String l : dockerfile()) {
            if (l.startsWith("USER ")) {
                user = l.substring(5).trim().split(":")[0];
            }
        }
        assertNotNull(user, "the image sets no USER");
        assertTrue(user.matches("[1-9][0-9]*"), "USER should be a numeric non-root uid, for runAsNonRoot: " + user);
        return user;
    }

    private static String xpath(Path xml, String expression) throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        return XPathFactory.newInstance().newXPath().evaluate(expression, d).trim();
    }

    // ---------------------------------------------------------------- the docs

    static Stream<Path> docs() {
        return Stream.of(
                ROOT.resolve("docs/ci-gating.md"),
                ROOT.resolve("docs/kubernetes.md"),
                ROOT.resolve("docs/coordinated.md"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("docs")
    void docsShouldShowIocertCommandLinesTheCliAccepts(Path doc) throws Exception {
        int checked = 0;
        for (String block : fencedBlocks(doc, "sh")) {
            for (String line : block.replace("\\\n", " ").split("\n")) {
                List<String> words = shellWords(line);
                if (words.size() < 2
                        || !(words.get(0).equals("./iocert") || words.get(0).equals("iocert"))
                        || words.get(1).startsWith("-")) {
                    continue;
                }
                parseAgainstCli(words.subList(1, words.size()));
                checked++;
            }
        }
        assertTrue(checked > 0, doc + " shows no iocert command line");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("docs")
    void docsShouldShowYamlThatParsesAndNamesOnlyDeclaredInputsAndVariables(Path doc) throws Exception {
        Set<String> inputs = new TreeSet<>();
        document(ACTION).path("inputs").fieldNames().forEachRemaining(inputs::add);
        Set<String> variables = new TreeSet<>();
        document(GITLAB).path(".iocert").path("variables").fieldNames().forEachRemaining(variables::add);
        String specName = SpecLoader.parse(
                        k8s("ConfigMap", "iocert-spec")
                                .path("data")
                                .path("spec.yaml")
                                .asText(),
                        "iocert-spec")
                .name();
        for (String block : fencedBlocks(doc, "yaml")) {
            JsonNode y = YAML.readTree(block);
            assertNotNull(y, doc + ": an empty yaml block");
            checkExampleUsage(y, inputs, variables, doc);
            checkLabelSelectors(y, specName, doc);
        }
    }

    /** Scheduling examples select on the labels export writes for the shipped spec: iocert.io/NAME ("true") and iocert.io/NAME.*. */
    private static void checkLabelSelectors(JsonNode node, String specName, Path doc) {
        String label = "iocert.io/" + specName;
        if (node.isObject()) {
            node.path("nodeSelector").fields().forEachRemaining(e -> {
                if (e.getKey().startsWith("iocert.io/")) {
                    assertEquals(label, e.getKey(), doc + ": a nodeSelector on a label export does not write");
                    assertEquals(
                            "\"true\"", e.getValue().toString(), doc + ": the label's value is the string \"true\"");
                }
            });
            String key = node.path("key").asText();
            if (key.startsWith("iocert.io/")) {
                assertTrue(
                        key.equals(label) || key.startsWith(label + "."),
                        doc + ": a matchExpression on " + key + ", which export does not write for spec " + specName);
            }
            node.forEach(n -> checkLabelSelectors(n, specName, doc));
        } else if (node.isArray()) {
            node.forEach(n -> checkLabelSelectors(n, specName, doc));
        }
    }

    /** Walks an example: a step using the action may pass only its inputs, a job extending .iocert only its variables. */
    private static void checkExampleUsage(JsonNode node, Set<String> inputs, Set<String> variables, Path doc) {
        if (node.isObject()) {
            if (node.path("uses").asText().contains("/iocert/ci/github@")) {
                node.path("with")
                        .fieldNames()
                        .forEachRemaining(k -> assertTrue(
                                inputs.contains(k),
                                doc + ": the example passes '" + k + "', which ci/github/action.yml does not declare"));
            }
            if (node.path("extends").asText().equals(".iocert")) {
                node.path("variables")
                        .fieldNames()
                        .forEachRemaining(k -> assertTrue(
                                variables.contains(k),
                                doc + ": the example sets '" + k + "', which .iocert does not declare"));
            }
            node.forEach(n -> checkExampleUsage(n, inputs, variables, doc));
        } else if (node.isArray()) {
            node.forEach(n -> checkExampleUsage(n, inputs, variables, doc));
        }
    }

    private static List<String> fencedBlocks(Path doc, String language) throws IOException {
        List<String> blocks = new ArrayList<>();
        StringBuilder cur = null;
        for (String l : Files.readAllLines(doc)) {
            if (cur == null && l.equals("```" + language)) {
                cur = new StringBuilder();
            } else if (cur != null && l.equals("```")) {
                blocks.add(cur.toString());
                cur = null;
            } else if (cur != null) {
                cur.append(l).append('\n');
            }
        }
        assertTrue(cur == null, doc + ": an unclosed code block");
        return blocks;
    }

    /** A line split as sh splits words: quotes group, an unquoted # starts a comment. */
    private static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                w = w == null ? new StringBuilder() : w;
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
            } else if (c == '#' && w == null) {
                break;
            } else {
                w = w == null ? new StringBuilder() : w;
                w.append(c);
            }
        }
        if (w != null) {
            words.add(w.toString());
        }
        return words;
    }

    // ---------------------------------------------------------------- the CLI

    /**
     * Parses a recorded command line with the registered command's own options, as iocert
     * does; an unknown, abbreviated or value-less option fails.
     */
    private static CommandLine parseAgainstCli(List<String> call) {
        String name = call.get(0);
        String[] rest = call.subList(1, call.size()).toArray(String[]::new);
        Command c = registered().get(name);
        assertNotNull(c, "iocert has no command '" + name + "'");
        Options options = c.options();
        try {
            CommandLine line = Commands.parse(options, rest);
            if (name.equals("run")) {
                ProbeCommand.rejectArguments(line, name);
            }
            List<String> given = Arrays.asList(rest);
            for (Option o : line.getOptions()) {
                assertFalse(o.getValue() == null && o.hasArg(), "--" + o.getLongOpt() + " without a value");
                // Commons CLI accepts a unique prefix (--valid for --valid-for); a template must not
                // rely on it, since a later option could make the prefix ambiguous.
                String full = "--" + o.getLongOpt();
                assertTrue(
                        given.stream().anyMatch(a -> a.equals(full) || a.startsWith(full + "=")),
                        "iocert " + String.join(" ", call) + ": spell " + full + " in full");
            }
            return line;
        } catch (ParseException | UsageException e) {
            throw new AssertionError("iocert " + String.join(" ", call) + ": " + e.getMessage(), e);
        }
    }

    /** The command table dispatch uses. */
    private static Map<String, Command> registered() {
        return Commands.all();
    }

    private static void assertKeyPairIocertReads(Path keyFile, Path pubFile) throws Exception {
        PrivateKey key = Keys.readPrivate(Files.readString(keyFile), keyFile.toString());
        PublicKey pub = Keys.readPublic(Files.readString(pubFile), pubFile.toString());
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(new byte[] {42});
        byte[] sig = s.sign();
        s.initVerify(pub);
        s.update(new byte[] {42});
        assertTrue(s.verify(sig), "the public key beside the private one is not its pair");
    }

    // ---------------------------------------------------------------- processes

    private record Exec(int code, String out, String err) {}

    /** Writes the iocert stub to {@code iocert} and returns the directory its records go to (empty). */
    private Path stubs(Path iocert) throws IOException {
        Files.createDirectories(iocert.getParent());
        Files.writeString(iocert, STUB);
        Files.setPosixFilePermissions(iocert, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Files.createDirectories(tmp.resolve("stub"));
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        return dir;
    }

    private List<List<String>> calls() throws IOException {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; Files.exists(tmp.resolve("stub/call-" + i)); i++) {
            String raw = Files.readString(tmp.resolve("stub/call-" + i));
            out.add(List.of(raw.substring(0, raw.length() - 1).split("\0", -1)));
        }
        return out;
    }

    private List<String> onlyCall(String command) throws IOException {
        List<List<String>> calls = calls();
        assertEquals(1, calls.size(), "iocert calls: " + calls);
        assertEquals(command, calls.get(0).get(0));
        return calls.get(0);
    }

    private Exec exec(List<String> command, Map<String, String> env, Path cwd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().clear();
        Path bin = tmp.resolve("bin");
        pb.environment().put("PATH", (Files.isDirectory(bin) ? bin + ":" : "") + System.getenv("PATH"));
        pb.environment().put("HOME", tmp.toString());
        pb.environment().put("LANG", "C");
        pb.environment().putAll(env);
        Path out = tmp.resolve("exec.out");
        Path err = tmp.resolve("exec.err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish in 60 s");
        }
        return new Exec(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- YAML

    private static JsonNode document(Path file) throws IOException {
        List<JsonNode> docs = documents(file);
        assertEquals(1, docs.size(), file + " should hold one YAML document");
        return docs.get(0);
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("ci/k8s"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no ci/k8s above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
