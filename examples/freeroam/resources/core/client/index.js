import * as alt from "alt-client";
import * as native from "natives";

alt.on("connectionComplete", () => {
    native.displayRadar(true);
    alt.log("core client: connected");
});
