"""A FastAPI backend written the usual way: python-jose tokens, passlib's CryptContext, pydantic's EmailStr.

This is the "before" of docs/migration.md. compat_tests/test_migration_app.py runs it as it is and again with only
its imports rewritten to leancore's, and checks that both answer every request alike. Configuration comes from
environment variables read at import, as in most such apps: APP_SECRET_KEY, APP_DATABASE (a SQLite file),
APP_BCRYPT_ROUNDS (default 12), APP_TOKEN_MINUTES (default 30).
"""

import os
import sqlite3
from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from jose import JWTError, jwt
from passlib.context import CryptContext
from pydantic import BaseModel, EmailStr, Field

SECRET_KEY = os.environ["APP_SECRET_KEY"]
DATABASE = os.environ["APP_DATABASE"]
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = int(os.environ.get("APP_TOKEN_MINUTES", "30"))

pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto",
                           bcrypt__rounds=int(os.environ.get("APP_BCRYPT_ROUNDS", "12")))
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")

app = FastAPI(title="accounts")

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    full_name TEXT,
    hashed_password TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
)
"""


class Token(BaseModel):
    access_token: str
    token_type: str


class User(BaseModel):
    id: int
    email: EmailStr
    full_name: str | None = None
    disabled: bool = False


class UserCreate(BaseModel):
    email: EmailStr
    password: str = Field(min_length=8, max_length=128)
    full_name: str | None = None


class EmailChange(BaseModel):
    email: EmailStr


def get_db():
    connection = sqlite3.connect(DATABASE, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    try:
        yield connection
    finally:
        connection.close()


Database = Annotated[sqlite3.Connection, Depends(get_db)]


def init_db() -> None:
    with sqlite3.connect(DATABASE) as connection:
        connection.execute(SCHEMA)


def get_password_hash(password: str) -> str:
    return pwd_context.hash(password)


def get_user(db: sqlite3.Connection, email: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM users WHERE email = ?", (email,)).fetchone()


def authenticate_user(db: sqlite3.Connection, email: str, password: str) -> sqlite3.Row | None:
    user = get_user(db, email)
    if user is None:
        pwd_context.dummy_verify()
        return None
    valid, new_hash = pwd_context.verify_and_update(password, user["hashed_password"])
    if not valid:
        return None
    if new_hash is not None:
        db.execute("UPDATE users SET hashed_password = ? WHERE id = ?", (new_hash, user["id"]))
        db.commit()
    return user


def create_access_token(data: dict, expires_delta: timedelta | None = None) -> str:
    to_encode = data.copy()
    expire = datetime.now(timezone.utc) + (expires_delta or timedelta(minutes=15))
    to_encode.update({"exp": expire})
    return jwt.encode(to_encode, SECRET_KEY, algorithm=ALGORITHM)


def as_user(row: sqlite3.Row) -> User:
    return User(id=row["id"], email=row["email"], full_name=row["full_name"], disabled=bool(row["disabled"]))


async def get_current_user(token: Annotated[str, Depends(oauth2_scheme)], db: Database) -> User:
    credentials_exception = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
        email = payload.get("sub")
        if email is None:
            raise credentials_exception
    except JWTError:
        raise credentials_exception from None
    user = get_user(db, email)
    if user is None:
        raise credentials_exception
    return as_user(user)


async def get_current_active_user(current_user: Annotated[User, Depends(get_current_user)]) -> User:
    if current_user.disabled:
        raise HTTPException(status_code=400, detail="Inactive user")
    return current_user


@app.post("/token")
async def login_for_access_token(form_data: Annotated[OAuth2PasswordRequestForm, Depends()], db: Database) -> Token:
    user = authenticate_user(db, form_data.username, form_data.password)
    if not user:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    access_token = create_access_token(
        data={"sub": user["email"], "name": user["full_name"]},
        expires_delta=timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES),
    )
    return Token(access_token=access_token, token_type="bearer")


@app.post("/users", status_code=status.HTTP_201_CREATED)
async def sign_up(user_in: UserCreate, db: Database) -> User:
    if get_user(db, user_in.email) is not None:
        raise HTTPException(status_code=400, detail="Email already registered")
    db.execute(
        "INSERT INTO users (email, full_name, hashed_password) VALUES (?, ?, ?)",
        (user_in.email, user_in.full_name, get_password_hash(user_in.password)),
    )
    db.commit()
    return as_user(get_user(db, user_in.email))


@app.get("/users/me")
async def read_users_me(current_user: Annotated[User, Depends(get_current_active_user)]) -> User:
    return current_user


@app.put("/users/me/email")
async def change_email(change: EmailChange, current_user: Annotated[User, Depends(get_current_active_user)],
                       db: Database) -> User:
    if change.email != current_user.email and get_user(db, change.email) is not None:
        raise HTTPException(status_code=400, detail="Email already registered")
    db.execute("UPDATE users SET email = ? WHERE id = ?", (change.email, current_user.id))
    db.commit()
    return as_user(get_user(db, change.email))


init_db()
