// The resolved model Nix reads (nix.generated/model.json, through nix/model.nix): every port,
// forward, name, image and container contract as the generator resolved them, so the Nix
// side only reads JSON and re-derives nothing.
import { versionFloors } from "../versions/floors.ts";
import { CLICKHOUSE_DATA_DIR, CONTAINERS, FLUENTBIT_STATE_DIR, imageUser } from "../model/containers.ts";
import { imageRef } from "../model/images.ts";
import type { Model } from "../model/model.ts";

export function nixModel(model: Model): object {
  const forwards = model.ports.vm.forwards;
  return {
    ports: { services: model.ports.services, vm: { guest: model.ports.vm.guest } },
    // microvm.nix's `microvm.forwardPorts` entries, bound to the host's loopback.
    forwards: forwards.map((f) => ({ from: "host", proto: "tcp", host: { address: "127.0.0.1", port: f.host }, guest: { port: f.guest } })),
    // Guest ports the VM's firewall opens.
    guestPorts: forwards.map((f) => f.guest),
    // Host port of each forward target, for the apps that talk to the VM ("clickhouse.http").
    hostPorts: Object.fromEntries(forwards.map((f) => [f.to, f.host])),
    names: model.names,
    // Name, tag and the image's side of the container contract (gen/model/containers.ts).
    images: Object.fromEntries(
      Object.entries(model.images).map(([key, image]) => {
        const c = CONTAINERS[key as keyof typeof CONTAINERS];
        return [key, { name: image.name, tag: image.tag, ref: imageRef(image), cmd: [...c.command, ...c.args], user: imageUser(c), configDir: c.configDir }];
      }),
    ),
    // Paths inside the containers that checks rewrite to the build directory.
    paths: { fluentbitState: FLUENTBIT_STATE_DIR, clickhouseData: CLICKHOUSE_DATA_DIR },
    // Retention and resources: the NixOS module's option defaults.
    settings: model.settings,
    // The lowest version of each package that runs what is emitted (nix/versions.nix).
    versionFloors: versionFloors(model),
  };
}
