// The end-to-end tests (e2e/): their own Nx target, so that they run beside the unit tests, and
// their two files side by side (each waits on its own emulator and Terraform more than on a core).
module.exports = { ...require("../jest.preset.js")(__dirname), testMatch: ["<rootDir>/e2e/**/*.test.ts"], maxWorkers: 2 };
