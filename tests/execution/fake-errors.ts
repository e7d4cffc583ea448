/** Stand-ins named like ccxt's error classes (the mapping reads class names, so no ccxt import is needed). */
export class BaseError extends Error {}
export class ExchangeError extends BaseError {}
export class OperationRejected extends ExchangeError {}
export class InsufficientFunds extends ExchangeError {}
export class InvalidOrder extends ExchangeError {}
export class OrderNotFound extends InvalidOrder {}
export class AuthenticationError extends ExchangeError {}
export class NetworkError extends BaseError {}
export class DDoSProtection extends NetworkError {}
export class ExchangeNotAvailable extends NetworkError {}
export class RequestTimeout extends NetworkError {}
