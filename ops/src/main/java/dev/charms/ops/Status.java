package dev.charms.ops;

/**
 * A workload status as Juju shows it. When handlers report several in one hook, the highest
 * {@link #priority()} wins (blocked over maintenance over waiting over active), as in ops.
 */
public record Status(String name, String message) {
    public Status {
        if (!name.equals("active") && !name.equals("blocked") && !name.equals("waiting")
                && !name.equals("maintenance")) {
            throw new IllegalArgumentException("invalid status '" + name
                    + "': expected one of maintenance, blocked, waiting, active");
        }
        message = message == null ? "" : message;
    }

    public static Status active(String message) {
        return new Status("active", message);
    }

    public static Status blocked(String message) {
        return new Status("blocked", message);
    }

    public static Status waiting(String message) {
        return new Status("waiting", message);
    }

    public static Status maintenance(String message) {
        return new Status("maintenance", message);
    }

    public int priority() {
        return switch (name) {
            case "blocked" -> 4;
            case "maintenance" -> 3;
            case "waiting" -> 2;
            default -> 1;
        };
    }
}
