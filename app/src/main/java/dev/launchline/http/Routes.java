package dev.launchline.http;

/**
 * The routes of one feature, registered by the feature itself: adding an endpoint touches that
 * feature's folder only. {@link HttpServer} registers every feature's routes in the order given.
 */
@FunctionalInterface
public interface Routes {
    void register(RouteTable routes);
}
