package dev.lattice.gateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** Reads a Server-Sent Events stream in the background, collecting each event's name and data. */
public final class SseClient implements AutoCloseable {

  /** One received event. */
  public record Event(String name, String data) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();
  // Held for the stream's whole life: an HttpClient nobody references may be collected and shut
  // down, closing its connections (a stream would end under the test's feet after a GC).
  private final HttpClient client = HttpClient.newHttpClient();
  private final CompletableFuture<HttpResponse<Stream<String>>> response;
  private volatile Stream<String> lines;
  private volatile boolean ended;

  public SseClient(URI uri, String apiKey) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("X-Api-Key", apiKey)
            .header("Accept", "text/event-stream")
            .GET()
            .build();
    this.response = client.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
    response.thenAccept(
        r -> {
          lines = r.body();
          String[] name = {"message"};
          StringBuilder data = new StringBuilder();
          try {
            r.body()
                .forEach(
                    line -> {
                      if (line.isEmpty()) {
                        if (!data.isEmpty()) {
                          events.add(new Event(name[0], data.toString()));
                        }
                        name[0] = "message";
                        data.setLength(0);
                      } else if (line.startsWith("event:")) {
                        name[0] = line.substring(6).trim();
                      } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                      }
                    });
          } catch (RuntimeException e) {
            // stream closed by close()
          }
          ended = true;
        });
  }

  public List<Event> events() {
    return List.copyOf(events);
  }

  public List<Event> events(String name) {
    return events.stream().filter(e -> e.name().equals(name)).toList();
  }

  /** True once the server ended the stream (or it was closed). */
  public boolean ended() {
    return ended;
  }

  public int status() {
    return response.join().statusCode();
  }

  @Override
  public void close() {
    Stream<String> l = lines;
    if (l != null) {
      l.close();
    }
    response.cancel(true);
    client.close();
  }
}
