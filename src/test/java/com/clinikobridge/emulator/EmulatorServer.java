package com.clinikobridge.emulator;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.clinikobridge.emulator.cliniko.Clinic;
import com.clinikobridge.emulator.cliniko.ClinicGenerator;
import com.clinikobridge.emulator.cliniko.ClinicStream;
import com.clinikobridge.emulator.cliniko.ClinikoEmulator;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * Runs the Cliniko or HubSpot test emulator as a standalone process on 127.0.0.1, for benchmarks and manual runs:
 *
 * <pre>
 * EmulatorServer cliniko --port=0 --seed=42 --patients=1000 --rate-limit=200 --rate-window=60s --latency-ms=0 \
 *     --fault-rate=0 --fault-seed=42 --api-key=testkey-au1
 * EmulatorServer hubspot --port=0 --rate-limit=100 --rate-window=10s --search-rate-limit=0 --latency-ms=0 \
 *     --fault-rate=0 --lost-answer-rate=0 --fault-seed=42 --search-lag-ms=0 --owners-seed=42 \
 *     --token=pat-na1-emulator-token
 * </pre>
 *
 * When the server is listening it prints exactly one line to stdout, {@code READY cliniko url=<base>/v1 key=<key>} or
 * {@code READY hubspot url=<base> token=<token>}, then serves until SIGTERM/SIGINT (a shutdown hook closes it).
 * Nothing else goes to stdout. Exit codes: 0 after a clean shutdown or {@code --help}, 2 for a bad option (the message
 * on stderr names it), 1 otherwise. Counters: {@code GET /_emulator/stats} on either server.
 */
@Command(name = "emulator-server", mixinStandardHelpOptions = true,
        description = "Serves a test emulator (Cliniko or HubSpot) on 127.0.0.1 until killed.",
        subcommands = { EmulatorServer.ClinikoServer.class, EmulatorServer.HubSpotServer.class })
public final class EmulatorServer implements Callable<Integer> {

    /** Exit code of a bad option or missing subcommand. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;

    private static final String NODELAY = "sun.net.httpserver.nodelay";

    @Spec
    CommandSpec spec;

    /** Runs the command line; returns only after the server has been shut down, or with a non-zero exit code. */
    public static void main(String[] args) {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK:
        // ~40 ms per request with java.net.http clients. Read once, when the first HttpServer is created.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The picocli command line: {@code execute(args)} serves until shutdown (blocking) and returns the exit code. */
    public static CommandLine commandLine() {
        return new CommandLine(new EmulatorServer());
    }

    /**
     * Parses {@code args} (a subcommand and its options) and starts that server without blocking and without a
     * shutdown hook; the caller closes it. For tests.
     *
     * @throws ParameterException for a bad option, naming it
     */
    public static Running start(String... args) {
        CommandLine cli = commandLine();
        ParseResult parsed = cli.parseArgs(args);
        if (!parsed.hasSubcommand()) {
            throw new ParameterException(cli, "Missing subcommand: cliniko or hubspot");
        }
        Object command = parsed.subcommand().commandSpec().userObject();
        return ((Server) command).start();
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: cliniko or hubspot");
    }

    /** A started emulator: its READY line, base URL and credential; {@link #close()} stops it (idempotent). */
    public static final class Running implements AutoCloseable {
        private final String kind;
        private final String url;
        private final String credential;
        private final AutoCloseable emulator;
        private final CountDownLatch closed = new CountDownLatch(1);

        Running(String kind, String url, String credential, AutoCloseable emulator) {
            this.kind = kind;
            this.url = url;
            this.credential = credential;
            this.emulator = emulator;
        }

        /** {@code cliniko} or {@code hubspot}. */
        public String kind() {
            return kind;
        }

        /** Base URL: Cliniko's ends in {@code /v1}, HubSpot's has no path, e.g. {@code http://127.0.0.1:54321}. */
        public String url() {
            return url;
        }

        /** Cliniko API key or HubSpot bearer token (test values, not secrets). */
        public String credential() {
            return credential;
        }

        /** The emulator itself ({@link ClinikoEmulator} or {@link HubSpotEmulator}), for further settings. */
        public AutoCloseable emulator() {
            return emulator;
        }

        /** {@code READY cliniko url=<url> key=<key>} or {@code READY hubspot url=<url> token=<token>}. */
        public String readyLine() {
            return "READY " + kind + " url=" + url + ("cliniko".equals(kind) ? " key=" : " token=") + credential;
        }

        /** Blocks until {@link #close()}. */
        void awaitClosed() throws InterruptedException {
            closed.await();
        }

        @Override
        public synchronized void close() {
            if (closed.getCount() == 0) {
                return;
            }
            try {
                emulator.close();
            } catch (Exception e) {
                // closing a loopback server; nothing useful to report
            } finally {
                closed.countDown();
            }
        }
    }

    /** Options both subcommands share, and the serve-until-killed loop. */
    abstract static class Server implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--port", defaultValue = "0", paramLabel = "PORT",
                description = "TCP port on 127.0.0.1; 0 = any free port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--latency-ms", defaultValue = "0", paramLabel = "MS",
                description = "Every request waits this long before it is answered (default: ${DEFAULT-VALUE}).")
        long latencyMs;

        @Option(names = "--fault-rate", defaultValue = "0", paramLabel = "0..1",
                description = "Fraction of accepted requests answered with a transient 5xx (default: ${DEFAULT-VALUE}).")
        double faultRate;

        @Option(names = "--fault-seed", defaultValue = "42", paramLabel = "N",
                description = "Seed of the fault sequence: same seed, same faults (default: ${DEFAULT-VALUE}).")
        long faultSeed;

        abstract int rateLimit();

        abstract Duration rateWindow();

        /** Validates the options and starts the emulator. */
        abstract Running start();

        void validateCommon() {
            if (port < 0 || port > 65_535) {
                throw bad("--port must be between 0 and 65535, got " + port);
            }
            if (rateLimit() < 0) {
                throw bad("--rate-limit must be 0 (off) or more, got " + rateLimit());
            }
            if (rateWindow().isZero() || rateWindow().isNegative()) {
                throw bad("--rate-window must be positive, got " + rateWindow());
            }
            if (latencyMs < 0) {
                throw bad("--latency-ms must be 0 or more, got " + latencyMs);
            }
            if (!(faultRate >= 0 && faultRate <= 1)) {
                throw bad("--fault-rate must be between 0 and 1, got " + faultRate);
            }
        }

        ParameterException bad(String message) {
            return new ParameterException(spec.commandLine(), message);
        }

        ParameterException cannotBind(UncheckedIOException e) {
            return new ParameterException(spec.commandLine(),
                    "--port " + port + ": cannot listen on 127.0.0.1: " + e.getCause().getMessage());
        }

        @Override
        public Integer call() throws InterruptedException {
            Running running = start();
            Thread hook = new Thread(running::close, "emulator-server-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            PrintWriter out = spec.commandLine().getOut();
            out.println(running.readyLine());
            out.flush();
            running.awaitClosed();
            return 0;
        }
    }

    /** {@code cliniko}: serves a generated clinic. */
    @Command(name = "cliniko", mixinStandardHelpOptions = true,
            description = "Serves a generated clinic with the Cliniko emulator.")
    static final class ClinikoServer extends Server {

        @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
                description = "Clinic generator seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--patients", defaultValue = "1000", paramLabel = "N",
                description = "Number of patients (default: ${DEFAULT-VALUE}).")
        int patients;

        @Option(names = "--rate-limit", defaultValue = "200", paramLabel = "N",
                description = "Requests per window, 0 = off (default: ${DEFAULT-VALUE}, Cliniko's limit per 60 s).")
        int rateLimit;

        @Option(names = "--rate-window", defaultValue = "60s", paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "Fixed rate-limit window, e.g. 60s, 500ms, 1m, PT60S (default: ${DEFAULT-VALUE}).")
        Duration rateWindow;

        @Option(names = "--api-key", defaultValue = ClinikoEmulator.DEFAULT_API_KEY, paramLabel = "KEY",
                description = "Accepted API key (default: ${DEFAULT-VALUE}).")
        String apiKey;

        @Override
        int rateLimit() {
            return rateLimit;
        }

        @Override
        Duration rateWindow() {
            return rateWindow;
        }

        /** The served clinic: the benchmark clinic of {@link ClinicStream}, materialised (~350 MB per 20,000 patients). */
        static Clinic clinic(long seed, int patients) {
            return new ClinicStream(seed, patients).toClinic();
        }

        @Override
        Running start() {
            validateCommon();
            if (patients < 0) {
                throw bad("--patients must be 0 or more, got " + patients);
            }
            if (apiKey.isBlank()) {
                throw bad("--api-key must not be blank");
            }
            Clinic clinic = clinic(seed, patients);
            ClinikoEmulator cliniko;
            try {
                cliniko = new ClinikoEmulator(clinic, apiKey, port);
            } catch (UncheckedIOException e) {
                throw cannotBind(e);
            }
            cliniko.setRateLimit(rateLimit, rateWindow);
            cliniko.latency(Duration.ofMillis(latencyMs));
            cliniko.faultRate(faultRate, faultSeed);
            return new Running("cliniko", cliniko.baseUrl(), cliniko.apiKey(), cliniko);
        }
    }

    /** {@code hubspot}: serves an empty portal whose owners are a generated clinic's practitioners. */
    @Command(name = "hubspot", mixinStandardHelpOptions = true,
            description = "Serves the HubSpot CRM emulator, with owners for a generated clinic's practitioners.")
    static final class HubSpotServer extends Server {

        @Option(names = "--rate-limit", defaultValue = "100", paramLabel = "N",
                description = "Non-search requests per rolling window, 0 = off (default: ${DEFAULT-VALUE}, HubSpot's"
                        + " limit per 10 s).")
        int rateLimit;

        @Option(names = "--rate-window", defaultValue = "10s", paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "Rolling rate-limit window, e.g. 10s, 500ms, 1m, PT10S (default: ${DEFAULT-VALUE}).")
        Duration rateWindow;

        @Option(names = "--search-rate-limit", defaultValue = "0", paramLabel = "N",
                description = "Search requests per second, 0 = off (default: ${DEFAULT-VALUE}).")
        int searchRateLimit;

        @Option(names = "--search-lag-ms", defaultValue = "0", paramLabel = "MS",
                description = "Search sees the records as they were this long ago (HubSpot's search is eventually"
                        + " consistent); reads by id stay current (default: ${DEFAULT-VALUE}).")
        long searchLagMs;

        @Option(names = "--lost-answer-rate", defaultValue = "0", paramLabel = "0..1",
                description = "Fraction of accepted requests performed but answered 502, as if the answer were lost;"
                        + " drawn from --fault-seed (default: ${DEFAULT-VALUE}).")
        double lostAnswerRate;

        @Option(names = "--owners-seed", defaultValue = "42", paramLabel = "N",
                description = "Owners are the practitioners of the clinic generated with this seed"
                        + " (default: ${DEFAULT-VALUE}).")
        long ownersSeed;

        @Option(names = "--token", defaultValue = HubSpotEmulator.DEFAULT_TOKEN, paramLabel = "TOKEN",
                description = "Accepted bearer token (default: ${DEFAULT-VALUE}).")
        String token;

        @Override
        int rateLimit() {
            return rateLimit;
        }

        @Override
        Duration rateWindow() {
            return rateWindow;
        }

        @Override
        Running start() {
            validateCommon();
            if (searchRateLimit < 0) {
                throw bad("--search-rate-limit must be 0 (off) or more, got " + searchRateLimit);
            }
            if (token.isBlank()) {
                throw bad("--token must not be blank");
            }
            if (searchLagMs < 0) {
                throw bad("--search-lag-ms must be 0 or more, got " + searchLagMs);
            }
            if (!(lostAnswerRate >= 0 && lostAnswerRate <= 1)) {
                throw bad("--lost-answer-rate must be between 0 and 1, got " + lostAnswerRate);
            }
            HubSpotEmulator hubspot;
            try {
                hubspot = HubSpotEmulator.start(token, port);
            } catch (UncheckedIOException e) {
                throw cannotBind(e);
            }
            hubspot.keepRequestLog(false);
            if (rateLimit > 0) {
                hubspot.tenSecondlyLimit(rateLimit, rateWindow);
            }
            if (searchRateLimit > 0) {
                hubspot.searchPerSecondLimit(searchRateLimit);
            }
            hubspot.latency(Duration.ofMillis(latencyMs));
            hubspot.faultRate(faultRate, faultSeed);
            hubspot.lostAnswerRate(lostAnswerRate, faultSeed);
            hubspot.searchLag(Duration.ofMillis(searchLagMs));
            // The clinic's practitioners as HubSpot users (all but the locum), so owners resolve by email from the API
            // and by name from a CSV export.
            Clinic clinic = ClinicGenerator.generate(ownersSeed, 1);
            List<String> emails = ClinicGenerator.hubSpotOwnerEmails(clinic);
            for (Clinic.Practitioner p : clinic.practitioners()) {
                String email = clinic.practitionerEmail(p);
                if (emails.contains(email)) {
                    hubspot.addOwner(email, p.firstName(), p.lastName());
                }
            }
            return new Running("hubspot", hubspot.baseUrl(), hubspot.token(), hubspot);
        }
    }

    /** Parses {@code 500ms}, {@code 60s}, {@code 1m}, {@code 1h} or an ISO-8601 duration such as {@code PT10S}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Matcher m = SHORT.matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                return Duration.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration (e.g. 60s, 500ms, 1m, PT10S)");
            }
        }
    }
}
