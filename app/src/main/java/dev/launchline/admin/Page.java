package dev.launchline.admin;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * One page of a newest-first list. {@code nextCursor} goes into {@code ?before=} for the next
 * page; null on the last page.
 */
public record Page<T>(List<T> items, String nextCursor) {

    /** {@code fetched} holds up to {@code limit + 1} rows: the extra one only says "there is more". */
    static <R, T> Page<T> of(List<R> fetched, int limit, Function<R, T> view,
                             ToLongFunction<R> id) {
        boolean more = fetched.size() > limit;
        List<R> items = more ? fetched.subList(0, limit) : fetched;
        String next = more ? String.valueOf(id.applyAsLong(items.get(items.size() - 1))) : null;
        return new Page<>(items.stream().map(view).toList(), next);
    }
}
