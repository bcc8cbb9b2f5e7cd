// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @notice Errors shared by the contracts that hold tokens for others (one home each).
 */
interface IPaymentErrors {
    /// @dev The caller has nothing to withdraw.
    error NothingToWithdraw(address account);
    /// @dev Fewer tokens arrived than were sent: tokens that charge a fee on transfer are refused.
    error TokenTransferShortfall(uint256 expected, uint256 received);
    /// @dev The amount must be greater than zero.
    error ZeroAmount();
}
