package com.clinikobridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench/run} end to end on tiny clinics: generated clinic, emulator processes, the
 * packaged jar, and the table. Numbers are not asserted (they measure the machine), only that
 * every scenario ran and reported what it migrated.
 */
class BenchmarkProcessTests {

	@TempDir
	Path work;

	@Test
	void benchmarkRunsTheJarAgainstEmulatorProcessesAndPrintsATablePerScenario() throws Exception {
		// given tiny sizes, and the embedded job repository (no database server needed)
		String[] args = { "--scenarios=csv-real,off", "--csv-patients=20", "--off-patients=20", "--off-source=api",
				"--database=h2", "--heap=512m", "--work=" + work };

		// when
		int exit = new CommandLine(new Benchmark()).execute(args);

		// then both scenarios completed and reported records, requests and the bound
		assertThat(exit).isZero();
		String results = Files.readString(work.resolve("results.md"));
		assertThat(results).contains("CSV mode at real HubSpot limits, 20 patients")
			.contains("Limits off, zero latency, 20 patients (api)")
			.containsPattern("\\| exit code \\| 0 \\|[\\s\\S]*\\| exit code \\| 0 \\|")
			.containsPattern("\\| records migrated \\| [1-9][\\d,]* \\(patients 20,")
			.containsPattern("\\| HubSpot requests \\| [1-9]")
			.containsPattern("\\| Cliniko requests \\| [1-9]")
			.contains("wall ÷ bound")
			.containsPattern("\\| peak heap \\(-Xmx512m\\) \\| [1-9]")
			.containsPattern("\\| start-up \\(process start → run start\\); after the run \\| \\d+\\.\\d s; \\d+\\.\\d s \\|");
	}

	@Test
	void withCdsTheBridgeStartsFromTheReadmesClassDataSharingArchive() throws Exception {
		// given the README's recipe: extracted jar, archive trained once
		String[] args = { "--scenarios=csv-real", "--csv-patients=20", "--database=h2", "--heap=512m", "--cds",
				"--work=" + work };

		// when
		int exit = new CommandLine(new Benchmark()).execute(args);

		// then the archive was written, and the run started from it and completed
		assertThat(exit).isZero();
		assertThat(work.resolve("cds/app/cliniko-bridge.jsa")).isNotEmptyFile();
		assertThat(Files.readString(work.resolve("results.md")))
			.containsPattern("\\| exit code \\| 0 \\|")
			.containsPattern("\\| start-up \\(process start → run start, with CDS\\); after the run \\| \\d+\\.\\d s");
		// (the JVM warns on stdout, in its unified log, when it cannot map the archive)
		assertThat(Files.readString(work.resolve("csv-real/bridge.out")) + Files.readString(work.resolve("csv-real/bridge.err")))
			.doesNotContain("Unable to use shared archive");
	}

}
