package com.clinikobridge.http;

import org.springframework.http.HttpHeaders;

/** An HTTP answer: status code, headers and the body as text (empty when none). */
public record HttpReply(int status, HttpHeaders headers, String body) {

	public boolean ok() {
		return status >= 200 && status < 300;
	}

	public String header(String name) {
		return headers.getFirst(name);
	}
}
