/** Set by the build: true in the local build (`npm start`), false in the deployed one. */
declare const __LOCAL_BUILD__: boolean;
