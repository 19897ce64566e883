// The end-to-end deploy test (e2e/): its own Nx target, so that it runs beside the unit tests.
module.exports = { ...require("../jest.preset.js")(__dirname), testMatch: ["<rootDir>/e2e/**/*.test.ts"] };
