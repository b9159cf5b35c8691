package herd.events;

/** Receives a push's events. Called from many threads at once; must be quick and must not throw. */
@FunctionalInterface
public interface PushListener {
  void on(PushEvent event);
}
