package com.clinikobridge.job;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which lock holders have ended: only a process of this host that no longer runs. */
class PortalLockTests {

	@Test
	void aKilledProcessOfThisHostHasEndedALiveOneOrAnotherHostsHasNot() throws Exception {
		// given this host's name, a process that has ended, and one that runs
		String host = InetAddress.getLocalHost().getHostName();
		Process ended = new ProcessBuilder("true").start();
		assertThat(ended.waitFor(10, TimeUnit.SECONDS)).isTrue();
		Process running = new ProcessBuilder("sleep", "30").start();
		try {
			// then only the ended one's lock may be taken over at once
			assertThat(PortalLock.endedOnThisHost(host + " pid " + ended.pid() + " #1")).isEqualTo(!host.equals("localhost"));
			assertThat(PortalLock.endedOnThisHost(host + " pid " + running.pid() + " #1")).isFalse();
			assertThat(PortalLock.endedOnThisHost("another-host pid " + ended.pid() + " #1")).isFalse();
			assertThat(PortalLock.endedOnThisHost(host + " pid " + ProcessHandle.current().pid() + " #1")).isFalse();
			assertThat(PortalLock.endedOnThisHost("not a holder")).isFalse();
		}
		finally {
			running.destroyForcibly();
		}
	}
}
