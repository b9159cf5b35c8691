package herd.push;

import herd.hosts.HostSpec;

/**
 * How one host ended.
 *
 * @param detail the placed file's path when done, else the reason it failed
 * @param kind null when done, else the failure's kind ({@link herd.events.PushEvent.HostFailed})
 * @param attempts how many times herd connected to it (1 unless retried)
 */
public record HostOutcome(HostSpec host, boolean done, String detail, String kind, int attempts) {}
