// Local declarations in the shape of @altv/types-server: what this example uses.
declare module "alt-server" {
    export * from "alt-shared";
    import { Vector3 } from "alt-shared";

    export class Player {
        static readonly all: readonly Player[];
        readonly id: number;
        readonly name: string;
        pos: Vector3;
        model: number | string;
        health: number;
        spawn(x: number, y: number, z: number, delay?: number): void;
        kick(reason?: string): void;
    }

    export function on(event: "playerConnect", handler: (player: Player) => void): void;
    export function on(event: "playerDisconnect", handler: (player: Player, reason: string) => void): void;
    export function on(event: "resourceStart", handler: (errored: boolean) => void): void;
    export function onClient(event: string, handler: (player: Player, ...args: any[]) => void): void;
    export function emitClient(player: Player, event: string, ...args: unknown[]): void;
    export function emitAllClients(event: string, ...args: unknown[]): void;
}
