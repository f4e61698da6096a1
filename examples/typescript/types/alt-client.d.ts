// Local declarations in the shape of @altv/types-client: what this example uses.
declare module "alt-client" {
    export * from "alt-shared";
    import { Vector3 } from "alt-shared";

    export class LocalPlayer {
        readonly name: string;
        readonly pos: Vector3;
    }
    export class Player {
        static readonly local: LocalPlayer;
    }

    export function onServer(event: string, handler: (...args: any[]) => void): void;
    export function emitServer(event: string, ...args: unknown[]): void;
    export function on(event: "keyup", handler: (key: number) => void): void;
    export function showCursor(state: boolean): void;
}

declare module "natives" {
    export function displayRadar(toggle: boolean): void;
    export function setPedCanSwitchWeapon(ped: number, toggle: boolean): void;
}
