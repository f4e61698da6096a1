import * as alt from "alt-client";

alt.onServer("chat:message", (name, message) => {
    alt.log(name ? `${name}: ${message}` : message);
});
