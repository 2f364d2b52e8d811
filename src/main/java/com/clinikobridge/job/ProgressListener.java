package com.clinikobridge.job;

import java.time.Duration;
import java.time.Instant;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;

/**
 * Tells the operator how a step is going. On a terminal: a progress bar per step (progressbar
 * library) with records, rate and ETA against the source's count. Otherwise (CI, a scheduler's
 * log): a log line every {@link #LOG_EVERY}, and one when the step ends. Counts and rates only,
 * never record contents.
 */
class ProgressListener implements StepExecutionListener, ChunkListener<Object, Object> {

	static final Duration LOG_EVERY = Duration.ofSeconds(5);

	private static final Logger log = LoggerFactory.getLogger(ProgressListener.class);

	private final ActiveRun run;

	private final String object;

	private ProgressBar bar;

	private Instant started;

	private Instant lastLog;

	private long records;

	private long total;

	ProgressListener(ActiveRun run, String object) {
		this.run = run;
		this.object = object;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		started = Instant.now();
		lastLog = started;
		records = 0;
		total = run.total(object);
		if (run.migrates(object) && System.console() != null) {
			bar = new ProgressBarBuilder().setTaskName(object)
				.setInitialMax(total)
				.setStyle(ProgressBarStyle.ASCII)
				.setUnit(" records", 1)
				.showSpeed()
				.setUpdateIntervalMillis(500)
				.build();
		}
	}

	@Override
	public void afterChunk(Chunk<Object> chunk) {
		records += chunk.size();
		if (bar != null) {
			bar.stepBy(chunk.size());
			return;
		}
		Instant now = Instant.now();
		if (Duration.between(lastLog, now).compareTo(LOG_EVERY) >= 0) {
			lastLog = now;
			long rate = rate();
			String eta = total > 0 && rate > 0 && records < total
					? ", about " + Math.max(1, (total - records) / rate) + " s to go" : "";
			log.info("{}: {}{} records ({}/s{})", object, records, total > 0 ? " of " + total : "", rate, eta);
		}
	}

	@Override
	public ExitStatus afterStep(StepExecution stepExecution) {
		if (bar != null) {
			bar.close();
			bar = null;
		}
		if (run.migrates(object)) {
			log.info("{}: {} after {} records in {} ms ({}/s)", object, stepExecution.getStatus(), records,
					Duration.between(started, Instant.now()).toMillis(), rate());
		}
		return null;
	}

	private long rate() {
		long ms = Math.max(1, Duration.between(started, Instant.now()).toMillis());
		return records * 1000 / ms;
	}
}
