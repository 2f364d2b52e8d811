package com.clinikobridge.job;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.clinikobridge.ledger.SyncStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * One writing run at a time per HubSpot portal (docs/safety.md): {@code migrate}, {@code sync},
 * {@code restart}, {@code rollback} and {@code reconcile} take this database lock in the job
 * repository before they start, across processes and hosts. The holder refreshes it; a lock whose
 * holder stopped refreshing it ({@code CLINIKO_BRIDGE_LOCK_STALE_MS}), or whose process on this host
 * has ended (killed), is taken over, and a holder that
 * finds its lock taken over stops at its next chunk boundary. A second process exits 1 naming the
 * holder: host, pid, run and since when.
 */
@Component
class PortalLock {

	private static final Logger log = LoggerFactory.getLogger(PortalLock.class);

	/** Exit code 1 (CLI.md): the run did not start; try again when the other one has ended. */
	static final int BUSY = 1;

	private final SyncStore store;

	private final GracefulStop stop;

	private final ActiveRun run;

	/**
	 * Locks this thread holds (key → holder): a run started by a run (a sync's restart, migrate
	 * --reconcile) shares its lock.
	 */
	private final ThreadLocal<java.util.Map<String, String>> heldHere = ThreadLocal.withInitial(java.util.HashMap::new);

	PortalLock(SyncStore store, GracefulStop stop, ActiveRun run) {
		this.store = store;
		this.stop = stop;
		this.run = run;
	}

	/** Work done while holding the lock. */
	@FunctionalInterface
	interface Locked {

		RunLauncher.Outcome run() throws Exception;

	}

	/**
	 * Runs {@code work} holding the lock of the settings' HubSpot portal (its API URL and token),
	 * or, when another process holds it, prints who and returns exit code 1 without running it.
	 * @param command the command, for the message ("migrate", "rollback", ...)
	 */
	RunLauncher.Outcome locked(String command, BridgeSettings settings, PrintStream out, Locked work)
			throws Exception {
		String lockKey = SyncMarks.key("portal", settings.hubspotApiUrl(), settings.hubspotAccessToken());
		if (heldHere.get().containsKey(lockKey)) {
			return work.run();
		}
		String holder = holder();
		Optional<String> held = store.lock(lockKey, holder, settings.lockStale(), PortalLock::endedOnThisHost);
		if (held.isPresent()) {
			out.println(command + ": another run is writing to this HubSpot portal (" + held.get() + "); this one"
					+ " exits without changing anything. Run it again when that run has ended (see status).");
			return new RunLauncher.Outcome(null, null, BUSY);
		}
		ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "portal-lock-heartbeat");
			t.setDaemon(true);
			return t;
		});
		long period = Math.max(100, settings.lockStale().toMillis() / 4);
		java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
		heartbeat.scheduleAtFixedRate(() -> {
			try {
				if (!store.heartbeat(lockKey, holder, run.runId()) && !released.get()) {
					// Another process took the lock over (this one stalled past the stale time): stop.
					log.warn("The portal lock was taken over by another process; stopping after this chunk");
					stop.requestStop();
				}
			}
			catch (RuntimeException ex) {
				log.warn("Could not refresh the portal lock: {}", ex.getClass().getSimpleName());
			}
		}, period, period, TimeUnit.MILLISECONDS);
		heldHere.get().put(lockKey, holder);
		try {
			return work.run();
		}
		finally {
			heldHere.get().remove(lockKey);
			released.set(true);
			heartbeat.shutdownNow();
			heartbeat.awaitTermination(5, TimeUnit.SECONDS);
			store.unlock(lockKey, holder);
		}
	}

	/**
	 * Names the run that holds this thread's locks, so a second process's message names it (the
	 * heartbeat keeps it). Nothing happens when the thread holds no lock (a dry run).
	 */
	void naming(String runId) {
		heldHere.get().forEach((lockKey, holder) -> store.heartbeat(lockKey, holder, runId));
	}

	/**
	 * Whether a holder ("host pid N #nonce") is a process of this host that no longer runs (it
	 * was killed): its lock is taken over at once instead of after the stale time.
	 */
	static boolean endedOnThisHost(String other) {
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(.*) pid (\\d+) #").matcher(other);
		String host = hostName();
		// A name many machines share tells nothing about whose pid this is.
		if (!m.find() || !m.group(1).equals(host) || host.equals("localhost") || host.equals("unknown host")) {
			return false;
		}
		long pid = Long.parseLong(m.group(2));
		return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (IOException ex) {
			return "unknown host";
		}
	}

	private static String holder() {
		String host = hostName();
		// The nonce tells apart two runs of one process (a scheduled sync and a manual one, or tests).
		return host + " pid " + ManagementFactory.getRuntimeMXBean().getPid() + " #"
				+ Integer.toHexString(new java.security.SecureRandom().nextInt());
	}
}
