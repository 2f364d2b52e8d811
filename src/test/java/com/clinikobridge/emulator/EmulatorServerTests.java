package com.clinikobridge.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.clinikobridge.emulator.EmulatorServer.Running;
import com.clinikobridge.emulator.cliniko.ClinicGenerator;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EmulatorServerTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String USER_AGENT = "emulator-server-tests (ops@example.com)";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable c : started) {
            c.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private Running start(String... args) {
        Running running = EmulatorServer.start(args);
        started.add(running);
        return running;
    }

    /** One API request: Cliniko's {@code /user}, HubSpot's {@code /crm/v3/owners}, with valid credentials. */
    private HttpResponse<String> apiCall(Running server) {
        if ("cliniko".equals(server.kind())) {
            String basic = Base64.getEncoder().encodeToString((server.credential() + ":").getBytes(StandardCharsets.UTF_8));
            return send(HttpRequest.newBuilder(URI.create(server.url() + "/user"))
                    .header("Authorization", "Basic " + basic).header("User-Agent", USER_AGENT));
        }
        return send(HttpRequest.newBuilder(URI.create(server.url() + "/crm/v3/owners"))
                .header("Authorization", "Bearer " + server.credential()));
    }

    private JsonNode stats(Running server) {
        String root = server.url().replaceFirst("/v1$", "");
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(root + "/_emulator/stats")));
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return exchange(request.GET());
    }

    /** A HubSpot API POST with a JSON body and valid credentials. */
    private HttpResponse<String> post(Running hubspot, String path, String json) {
        return exchange(HttpRequest.newBuilder(URI.create(hubspot.url() + path))
                .header("Authorization", "Bearer " + hubspot.credential())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a server, sends 200 API requests from 10 threads, returns how many answered 5xx (checked against stats).
     * Which requests fail depends on arrival order; how many does not.
     */
    private int faultsOver200Requests(String... args) throws Exception {
        try (Running server = start(args)) {
            ExecutorService clients = Executors.newFixedThreadPool(10);
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(clients.submit(() -> apiCall(server)));
            }
            int failures = 0;
            for (Future<HttpResponse<String>> call : calls) {
                HttpResponse<String> r = call.get(30, TimeUnit.SECONDS);
                if (r.statusCode() >= 500) {
                    failures++;
                    assertThat(r.statusCode()).isIn(502, 503);
                    JsonNode body = JSON.readTree(r.body());
                    assertThat(body.has("message")).isTrue();
                    if ("hubspot".equals(server.kind())) {
                        assertThat(body.get("status").asString()).isEqualTo("error");
                        assertThat(body.get("category").asString()).isEqualTo("INTERNAL_ERROR");
                    }
                } else {
                    assertThat(r.statusCode()).isEqualTo(200);
                }
            }
            clients.shutdown();
            JsonNode stats = stats(server);
            assertThat(stats.get("faults").asInt()).isEqualTo(failures);
            assertThat(stats.get("requests").asInt()).isEqualTo(200);
            return failures;
        }
    }

    private static int execute(StringWriter err, String... args) {
        CommandLine cli = EmulatorServer.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    // ------------------------------------------------------------------ READY line and serving

    @Test
    void clinikoServesTheGeneratedClinicAtTheReadyLineUrl() {
        // given
        Running cliniko = start("cliniko", "--patients=5", "--seed=7");

        // when
        HttpResponse<String> patients = send(HttpRequest.newBuilder(URI.create(cliniko.url() + "/patients"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "testkey-au1:".getBytes(StandardCharsets.UTF_8)))
                .header("User-Agent", USER_AGENT));

        // then
        assertThat(cliniko.readyLine()).matches("READY cliniko url=http://127\\.0\\.0\\.1:\\d+/v1 key=testkey-au1");
        assertThat(patients.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(patients.body()).get("patients").isArray()).isTrue();
    }

    @Test
    void hubspotServesOwnersForTheClinicsPractitioners() {
        // given
        Running hubspot = start("hubspot", "--owners-seed=42");
        List<String> expected = ClinicGenerator.hubSpotOwnerEmails(ClinicGenerator.generate(42, 1));

        // when
        HttpResponse<String> owners = apiCall(hubspot);

        // then
        assertThat(hubspot.readyLine())
                .matches("READY hubspot url=http://127\\.0\\.0\\.1:\\d+ token=" + HubSpotEmulator.DEFAULT_TOKEN);
        assertThat(owners.statusCode()).isEqualTo(200);
        List<String> emails = new ArrayList<>();
        JSON.readTree(owners.body()).get("results").forEach(o -> emails.add(o.get("email").asString()));
        assertThat(emails).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void standaloneProcessPrintsOneReadyLineAndStopsOnSigterm() throws Exception {
        // given
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EmulatorServer.class.getName(), "hubspot", "--port=0", "--latency-ms=1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader stdout = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));

            // when
            String ready = stdout.readLine();
            String url = ready.replaceFirst("^READY hubspot url=(\\S+) token=.*$", "$1");
            HttpResponse<String> stats = send(HttpRequest.newBuilder(URI.create(url + "/_emulator/stats")));
            process.destroy(); // SIGTERM

            // then
            assertThat(ready).matches("READY hubspot url=http://127\\.0\\.0\\.1:\\d+ token=\\S+");
            assertThat(stats.statusCode()).isEqualTo(200);
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    // ------------------------------------------------------------------ latency

    @Test
    void everyRequestWaitsAtLeastTheLatency() {
        // given
        Running cliniko = start("cliniko", "--patients=1", "--latency-ms=250");
        Running hubspot = start("hubspot", "--latency-ms=250");

        // when
        long clinikoStart = System.nanoTime();
        int clinikoStatus = apiCall(cliniko).statusCode();
        long clinikoMillis = (System.nanoTime() - clinikoStart) / 1_000_000;
        long hubspotStart = System.nanoTime();
        int hubspotStatus = apiCall(hubspot).statusCode();
        long hubspotMillis = (System.nanoTime() - hubspotStart) / 1_000_000;

        // then
        assertThat(clinikoStatus).isEqualTo(200);
        assertThat(hubspotStatus).isEqualTo(200);
        assertThat(clinikoMillis).isGreaterThanOrEqualTo(250);
        assertThat(hubspotMillis).isGreaterThanOrEqualTo(250);
    }

    // ------------------------------------------------------------------ faults

    @Test
    void clinikoFaultRateIsDeterministicForASeed() throws Exception {
        // given
        String[] args = {"cliniko", "--patients=1", "--rate-limit=0", "--fault-rate=0.5", "--fault-seed=7"};

        // when
        int first = faultsOver200Requests(args);
        int second = faultsOver200Requests(args);

        // then
        assertThat(first).isEqualTo(second).isBetween(50, 150);
    }

    @Test
    void hubspotFaultRateIsDeterministicForASeed() throws Exception {
        // given
        String[] args = {"hubspot", "--rate-limit=0", "--fault-rate=0.5", "--fault-seed=7"};

        // when
        int first = faultsOver200Requests(args);
        int second = faultsOver200Requests(args);

        // then
        assertThat(first).isEqualTo(second).isBetween(50, 150);
    }

    @Test
    void hubspotLostAnswerRateIsDeterministicForASeed() throws Exception {
        // given
        String[] args = {"hubspot", "--rate-limit=0", "--lost-answer-rate=0.5", "--fault-seed=7"};

        // when
        int first = faultsOver200Requests(args);
        int second = faultsOver200Requests(args);

        // then
        assertThat(first).isEqualTo(second).isBetween(50, 150);
    }

    // ------------------------------------------------------------------ search lag

    @Test
    void hubspotSearchLagHidesNewRecordsFromSearchButNotFromReads() {
        // given
        Running lagging = start("hubspot", "--search-lag-ms=60000");
        Running current = start("hubspot");
        String contact = "{\"properties\":{\"email\":\"ann@example.com\"}}";
        String search = "{\"filterGroups\":[]}";

        // when
        String laggingId = JSON.readTree(post(lagging, "/crm/v3/objects/contacts", contact).body()).get("id").asString();
        HttpResponse<String> laggingSearch = post(lagging, "/crm/v3/objects/contacts/search", search);
        HttpResponse<String> laggingRead = post(lagging, "/crm/v3/objects/contacts/batch/read",
                "{\"inputs\":[{\"id\":\"" + laggingId + "\"}]}");
        post(current, "/crm/v3/objects/contacts", contact);
        HttpResponse<String> currentSearch = post(current, "/crm/v3/objects/contacts/search", search);

        // then
        assertThat(JSON.readTree(laggingSearch.body()).get("total").asInt()).isZero();
        assertThat(laggingRead.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(laggingRead.body()).get("results")).hasSize(1);
        assertThat(JSON.readTree(currentSearch.body()).get("total").asInt()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ rate limits

    @Test
    void clinikoAnswers429PastTheLimit() {
        // given
        Running cliniko = start("cliniko", "--patients=1", "--rate-limit=3", "--rate-window=60s");

        // when
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(apiCall(cliniko).statusCode());
        }

        // then
        assertThat(statuses).containsExactly(200, 200, 200, 429);
        assertThat(stats(cliniko).get("throttled").asInt()).isEqualTo(1);
    }

    @Test
    void hubspotAnswers429PastTheLimit() {
        // given
        Running hubspot = start("hubspot", "--rate-limit=3", "--rate-window=10s");

        // when
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(apiCall(hubspot).statusCode());
        }

        // then
        assertThat(statuses).containsExactly(200, 200, 200, 429);
        assertThat(stats(hubspot).get("throttled").asInt()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ stats

    @Test
    void clinikoStatsCountRequestsButAreNeitherCountedNorThrottled() {
        // given
        Running cliniko = start("cliniko", "--patients=1", "--rate-limit=2");
        apiCall(cliniko);
        apiCall(cliniko);

        // when
        for (int i = 0; i < 5; i++) {
            stats(cliniko);
        }
        JsonNode stats = stats(cliniko);

        // then
        assertThat(stats.get("requests").asInt()).isEqualTo(2);
        assertThat(stats.get("throttled").asInt()).isZero();
        assertThat(stats.get("faults").asInt()).isZero();
        assertThat(stats.get("byPath").get("/v1/user").asInt()).isEqualTo(2);
        assertThat(stats.get("byStatus").get("200").asInt()).isEqualTo(2);
        assertThat(apiCall(cliniko).statusCode()).isEqualTo(429);
    }

    @Test
    void hubspotStatsCountRequestsButAreNeitherCountedNorThrottled() {
        // given
        Running hubspot = start("hubspot", "--rate-limit=2");
        apiCall(hubspot);
        apiCall(hubspot);

        // when
        for (int i = 0; i < 5; i++) {
            stats(hubspot);
        }
        JsonNode stats = stats(hubspot);

        // then
        assertThat(stats.get("requests").asInt()).isEqualTo(2);
        assertThat(stats.get("throttled").asInt()).isZero();
        assertThat(stats.get("faults").asInt()).isZero();
        assertThat(stats.get("byKind").get("owners").asInt()).isEqualTo(2);
        assertThat(stats.get("byStatus").get("200").asInt()).isEqualTo(2);
        assertThat(apiCall(hubspot).statusCode()).isEqualTo(429);
    }

    @Test
    void hubspotWithoutRequestLogStillCounts() {
        // given
        HubSpotEmulator hubspot = HubSpotEmulator.start().keepRequestLog(false);
        started.add(hubspot);
        Running view = new Running("hubspot", hubspot.baseUrl(), hubspot.token(), hubspot);

        // when
        for (int i = 0; i < 3; i++) {
            apiCall(view);
        }

        // then
        assertThat(hubspot.requests()).isEmpty();
        assertThat(hubspot.requestCount()).isEqualTo(3);
        assertThat(hubspot.kindCount("owners")).isEqualTo(3);
    }

    // ------------------------------------------------------------------ bad options

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cliniko --fault-rate=1.5       | --fault-rate",
            "hubspot --fault-rate=-0.1      | --fault-rate",
            "cliniko --rate-window=soon     | --rate-window",
            "hubspot --rate-window=0s       | --rate-window",
            "cliniko --port=-1              | --port",
            "hubspot --latency-ms=-5        | --latency-ms",
            "hubspot --rate-limit=-1        | --rate-limit",
            "hubspot --lost-answer-rate=2   | --lost-answer-rate",
            "hubspot --search-lag-ms=-1     | --search-lag-ms",
            "cliniko --patients=many        | --patients",
            "cliniko --nope                 | --nope",
    })
    void badOptionExitsWithUsageNamingTheOption(String commandLine, String option) {
        // given
        StringWriter err = new StringWriter();

        // when
        int code = execute(err, commandLine.trim().split(" "));

        // then
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(option);
        assertThatThrownBy(() -> EmulatorServer.start(commandLine.trim().split(" ")))
                .isInstanceOf(ParameterException.class).hasMessageContaining(option);
    }

    @Test
    void missingSubcommandAndBusyPortExitWithUsage() {
        // given
        Running hubspot = start("hubspot");
        String busyPort = hubspot.url().substring(hubspot.url().lastIndexOf(':') + 1);
        StringWriter noSubcommand = new StringWriter();
        StringWriter busy = new StringWriter();

        // when
        int none = execute(noSubcommand);
        int taken = execute(busy, "hubspot", "--port=" + busyPort);

        // then
        assertThat(none).isEqualTo(2);
        assertThat(noSubcommand.toString()).contains("subcommand");
        assertThat(taken).isEqualTo(2);
        assertThat(busy.toString()).contains("--port " + busyPort);
    }
}
