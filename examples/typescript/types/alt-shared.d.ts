// Local declarations in the shape of @altv/types-shared, so nothing is fetched: what this example uses.
declare module "alt-shared" {
    export class Vector3 {
        constructor(x: number, y: number, z: number);
        readonly x: number;
        readonly y: number;
        readonly z: number;
        add(other: Vector3): Vector3;
        distanceTo(other: Vector3): number;
    }
    export function log(...args: unknown[]): void;
    export function logWarning(...args: unknown[]): void;
    export function logError(...args: unknown[]): void;
    export function setTimeout(handler: () => void, milliseconds: number): number;
    export function clearTimeout(id: number): void;
    export const resourceName: string;
}
