// The reference level-cache and the library's LMDB backend run the same random programs; each must match
// its model, and the models differ only by the documented differences (see model.ts).
import { BACKENDS } from "./program.ts";
import { differentialProperties } from "./properties.ts";

differentialProperties(() => BACKENDS, "test/differential/differential.test.ts", 1000);
